"""Domain errors that carry their HTTP status, and RFC 9457 problem+json rendering.

Services raise a subclass of :class:`GangwayError`; the handlers installed by
:func:`install_error_handlers` turn it, and every framework error, into
``application/problem+json`` with a stable ``type``. Nothing ever leaks a stack trace.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("gangway.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://gangway.dev/problems/"


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(description="A stable URI naming the kind of problem.")
    title: str = Field(description="A short, human-readable summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong this time.")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Field-level validation errors (422 only)."
    )
    retry_after: int | None = Field(
        default=None, description="Seconds to wait before retrying (429 and 503 only)."
    )


class GangwayError(Exception):
    """Base of every domain error: subclasses fix the status, slug and title."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class BadRequest(GangwayError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(GangwayError):
    status, slug, title = 401, "unauthorized", "Sign-in required"


class CsrfFailed(GangwayError):
    status, slug, title = 403, "csrf-failed", "Cross-site request refused"


class NotFound(GangwayError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(GangwayError):
    status, slug, title = 409, "conflict", "Conflict"


class UnsupportedMediaType(GangwayError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class TooManyRequests(GangwayError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class BadGateway(GangwayError):
    status, slug, title = 502, "upstream-error", "Stripe rejected the request"


class ServiceUnavailable(GangwayError):
    status, slug, title = 503, "unavailable", "Temporarily unavailable"


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    """Render a problem+json response."""
    body = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        errors=errors,
        retry_after=retry_after,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


def _slugify(status: int) -> str:
    return _HTTP_SLUGS.get(status, f"http-{status}")


async def _gangway_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GangwayError)
    return problem_response(
        exc.status,
        exc.slug,
        exc.title,
        exc.detail,
        headers=exc.headers(),
        retry_after=exc.retry_after,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    # Starlette's own detail for 404/405 is just the phrase; don't echo it twice.
    detail = None if exc.detail == phrase else str(exc.detail)
    headers = dict(exc.headers) if exc.headers else {}
    if status == 405 and (allowed := allowed_methods(request)):
        # Starlette names only the first route that matched the path; say every method.
        headers["Allow"] = ", ".join(sorted(allowed))
    return problem_response(status, _slugify(status), phrase, detail, headers=headers or None)


def allowed_methods(request: Request) -> set[str]:
    """The methods the API serves at this request's path, from the app's OpenAPI paths."""
    for template, operations in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), request.url.path):
            return {method.upper() for method in operations}
    return set()


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    first = errors[0] if errors else None
    detail = (
        f"{'.'.join(str(p) for p in first['loc'][1:]) or 'body'}: {first['msg']}"
        if first
        else "The request is invalid."
    )
    return problem_response(422, "validation-error", "Invalid request", detail, errors=errors)


async def _too_deep(_request: Request, _exc: Exception) -> JSONResponse:
    """Input nested deeper than Python recurses (JSON 5,000 levels deep, say) is bad input."""
    return problem_response(400, "bad-request", "Bad Request", "The request is nested too deeply.")


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception(
        "http.unhandled_error",
        extra={"path": request.url.path, "error_type": type(exc).__name__},
    )
    return problem_response(500, "internal-error", "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error a problem+json response."""
    app.add_exception_handler(GangwayError, _gangway_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring problem+json bodies for ``statuses``."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
