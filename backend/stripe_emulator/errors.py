"""v2 error bodies (`{"error": {"type", "code", "message"}}`) and the exception carrying them."""

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
        error: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        return {"error": error}

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
