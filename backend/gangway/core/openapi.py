"""Polish the generated OpenAPI schema so a generated client reads well.

FastAPI lists each security dependency as an alternative and documents error bodies as
``application/json`` too; we state what the API really does: cookie AND CSRF header on POSTs,
cookie alone on GETs, and ``application/problem+json`` for every error.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gangway.core.errors import PROBLEM_MEDIA_TYPE

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Operations that also answer visitors who are not signed in (their security is optional).
_ANONYMOUS_OK = {"get_session", "connect_refresh", "connect_return", "get_public_config"}
# Before sign-in the CSRF token is bound to its own cookie instead of the session.
_PRE_SIGN_IN = {"signup", "login"}
_PRE_SIGN_IN_SCHEME = {
    "type": "apiKey",
    "in": "cookie",
    "name": "gangway_csrf",
    "description": "Set by `GET /api/auth/session` before sign-in; pairs with `X-CSRF-Token` "
    "(named `__Host-gangway_csrf` over HTTPS).",
}


def _polish(schema: dict[str, Any]) -> dict[str, Any]:
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            security = operation.get("security")
            if security:
                merged: dict[str, list[str]] = {}
                for requirement in security:
                    merged.update(requirement)
                if method != "post":
                    merged.pop("csrfToken", None)
                operation["security"] = [merged] if merged else []
                if operation.get("operationId") in _ANONYMOUS_OK:
                    operation["security"] = [{}, *operation["security"]]
                if operation.get("operationId") in _PRE_SIGN_IN:
                    operation["security"] = [
                        {"csrfToken": [], "preSignInCookie": []},
                        *operation["security"],
                    ]
            if method == "get":
                # CSRF and content-type refusals only happen on POSTs.
                for status in ("403", "415"):
                    operation.get("responses", {}).pop(status, None)
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["preSignInCookie"] = (
        _PRE_SIGN_IN_SCHEME
    )
    schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
    schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
    return schema


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
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
