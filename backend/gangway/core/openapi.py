"""Polish the generated OpenAPI schema so a generated client reads well.

The session cookie and the CSRF header are read by plain dependencies (declaring them as
FastAPI security dependencies would cost every request), so their security requirements are
stated here: cookie AND CSRF header on POSTs, cookie alone on GETs. Error bodies are
``application/problem+json``, not the ``application/json`` FastAPI assumes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.routing import BaseRoute

from gangway.core.errors import PROBLEM_MEDIA_TYPE

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Operations that also answer visitors who are not signed in (their security is optional).
_ANONYMOUS_OK = {"get_session", "connect_refresh", "connect_return", "get_public_config"}
# Before sign-in the CSRF token is bound to its own cookie instead of the session.
_PRE_SIGN_IN = {"signup", "login"}
# Every operation under these prefixes reads the session cookie; POSTs need the CSRF token too.
_SESSION_PREFIXES = ("/api/", "/connect/")
_SESSION_SCHEME = {
    "type": "apiKey",
    "description": "Session cookie set by sign-in (named `__Host-gangway_session` over HTTPS).",
    "in": "cookie",
    "name": "gangway_session",
}
_CSRF_SCHEME = {
    "type": "apiKey",
    "description": "The `csrf_token` from `GET /api/auth/session`, required on every POST.",
    "in": "header",
    "name": "X-CSRF-Token",
}
_PRE_SIGN_IN_SCHEME = {
    "type": "apiKey",
    "in": "cookie",
    "name": "gangway_csrf",
    "description": "Set by `GET /api/auth/session` before sign-in; pairs with `X-CSRF-Token` "
    "(named `__Host-gangway_csrf` over HTTPS).",
}


def _security(path: str, method: str, operation_id: str | None) -> list[dict[str, list[str]]]:
    """Cookie AND CSRF header on POSTs, cookie alone on GETs; optional where visitors may
    call, and the pre-sign-in pair where there is no session yet."""
    if not path.startswith(_SESSION_PREFIXES):
        return []
    required: dict[str, list[str]] = {"sessionCookie": []}
    if method == "post":
        required["csrfToken"] = []
    if operation_id in _ANONYMOUS_OK:
        return [{}, required]
    if operation_id in _PRE_SIGN_IN:
        return [{"csrfToken": [], "preSignInCookie": []}, required]
    return [required]


def _polish(schema: dict[str, Any]) -> dict[str, Any]:
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if security := _security(path, method, operation.get("operationId")):
                operation["security"] = security
            if method == "get":
                # CSRF and content-type refusals only happen on POSTs.
                for status in ("403", "415"):
                    operation.get("responses", {}).pop(status, None)
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    schema.setdefault("components", {})["securitySchemes"] = {
        "sessionCookie": _SESSION_SCHEME,
        "csrfToken": _CSRF_SCHEME,
        "preSignInCookie": _PRE_SIGN_IN_SCHEME,
    }
    schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
    schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
    return schema


def _by_tag(app: FastAPI) -> list[BaseRoute]:
    """The routes in the order of the app's tags: the schema reads by topic, while the app
    matches its hottest routes first."""
    order = {tag["name"]: i for i, tag in enumerate(app.openapi_tags or [])}

    def rank(route: BaseRoute) -> int:
        # An included router (FastAPI keeps them whole) carries its routes' tags.
        router = getattr(route, "original_router", route)
        tags = getattr(router, "tags", None) or [""]
        return order.get(str(tags[0]), len(order))

    return sorted(app.routes, key=rank)


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a cached, polished schema."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _polish(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=_by_tag(app),
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
