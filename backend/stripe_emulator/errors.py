"""API error bodies and the exception carrying them.

On ``/v2`` a body is exactly the contract's ``v2.error``: ``{"error": {"type", "code",
"message"}}`` (the schema's other optional fields, ``doc_url`` and ``user_message``, are not
used). v2 errors have no ``param`` field: the parameter is named in the message. On ``/v1`` the
body is v1's: the same fields plus ``param`` when one parameter is at fault.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class ApiError(Exception):
    """Raised by handlers; rendered as a v2 error body with the given status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.type = type_
        self.param = param

    def body(self, *, v1: bool = False) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if v1 and self.param is not None:
            error["param"] = self.param
        return {"error": error}

    def body_for(self, path: str) -> dict[str, Any]:
        """The v1 or v2 body, by the request path."""
        return self.body(v1=is_v1(path))

    def response(self, *, v1: bool = False) -> JSONResponse:
        return JSONResponse(self.body(v1=v1), status_code=self.status)


def is_v1(path: str) -> bool:
    return path.startswith("/v1/")


def resource_missing(kind: str, ident: str, param: str | None = None) -> ApiError:
    """v1's 404: ``resource_missing``, ``No such account: 'acct_...'``."""
    return ApiError(404, "resource_missing", f"No such {kind}: '{ident}'", param=param)


def not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"No such {kind}: '{ident}'")


def unknown_parameter(param: str) -> ApiError:
    return ApiError(400, "parameter_unknown", f"Received unknown parameter: {param}", param=param)


def missing_parameter(param: str) -> ApiError:
    return ApiError(400, "parameter_missing", f"Missing required param: {param}.", param=param)


def invalid_parameter(param: str, message: str) -> ApiError:
    return ApiError(400, "parameter_invalid", message, param=param)


def internal_error() -> ApiError:
    return ApiError(
        500,
        "internal_error",
        "An unexpected error occurred in the emulator.",
        type_="api_error",
    )
