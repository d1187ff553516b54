"""v2 error bodies and the exception carrying them.

A body is exactly the contract's ``v2.error``: ``{"error": {"type", "code", "message"}}``
(the schema's other optional fields, ``doc_url`` and ``user_message``, are not used). v2 errors
have no ``param`` field: the parameter is named in the message.
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

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.type, "code": self.code, "message": self.message}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


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
