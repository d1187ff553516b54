"""Dependencies for endpoints: the current session and merchant, and CSRF protection."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Request, params
from fastapi.routing import APIRoute

from gangway.auth.models import Merchant
from gangway.auth.service import AuthService, LiveSession
from gangway.core.config import Settings
from gangway.core.errors import CsrfFailed, Unauthorized, UnsupportedMediaType

# The session cookie and this header are documented in the OpenAPI schema by
# gangway.core.openapi (declaring them as dependencies would cost every request).
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def get_auth_service(request: Request) -> AuthService:
    service: AuthService = request.app.state.services.auth
    return service


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


async def get_current_session(
    request: Request,
) -> LiveSession | None:
    """The live session for this request's cookie, or None.

    FastAPI caches a dependency's value per request, so the CSRF check and the endpoint
    share one load. The services are read straight from ``app.state`` (no sub-dependencies):
    this runs on every API request.
    """
    services = request.app.state.services
    service: AuthService = services.auth
    return await service.load_session(request.cookies.get(services.settings.session_cookie_name))


OptionalSessionDep = Annotated[LiveSession | None, Depends(get_current_session)]


def _signed_in(session: LiveSession | None) -> Merchant:
    merchant = session.merchant if session else None
    if merchant is None:
        raise Unauthorized("Sign in to continue.")
    return merchant


async def get_current_merchant(session: OptionalSessionDep) -> Merchant:
    """The signed-in merchant; 401 otherwise."""
    return _signed_in(session)


CurrentMerchant = Annotated[Merchant, Depends(get_current_merchant)]


async def current_merchant(request: Request) -> Merchant:
    """``CurrentMerchant`` as a plain call, for the one endpoint that declares no dependencies.

    The cached status read is the hottest path there is, and each dependency level FastAPI
    solves costs about a tenth of it (measured under wrk); every other endpoint uses
    ``CurrentMerchant``.
    """
    return _signed_in(await get_current_session(request))


async def csrf_protect(
    request: Request,
    session: OptionalSessionDep,
) -> None:
    """Refuse cross-site and non-JSON unsafe requests, and those without the session's token.

    Three independent checks: the browser's own Fetch Metadata (or Origin) says same-origin;
    the body is JSON (a cross-site HTML form cannot send that without a preflight); and the
    ``X-CSRF-Token`` header carries this session's token.
    """
    if request.method not in UNSAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    settings: Settings = request.app.state.services.settings
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    allowed_origins = {settings.public_origin, *settings.trusted_origins}
    if fetch_site is not None:
        if fetch_site != "same-origin":
            raise CsrfFailed("Cross-site requests are not accepted.")
    elif origin is None or origin not in allowed_origins:
        raise CsrfFailed("The request's Origin is missing or not ours.")
    # A body must be JSON: a cross-site HTML form cannot send that without a preflight. A POST
    # without a body (sync, sign-out) has nothing to forge but the action, which the token
    # and Fetch Metadata already guard.
    has_body = request.headers.get("content-length", "0") != "0" or (
        "transfer-encoding" in request.headers
    )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if has_body and content_type != "application/json":
        raise UnsupportedMediaType("Send a JSON body with Content-Type: application/json.")
    expected = session.row.csrf_token if session else pre_sign_in_token(request, settings)
    if not expected or not token or not hmac.compare_digest(token, expected):
        raise CsrfFailed("Missing or wrong X-CSRF-Token; fetch GET /api/auth/session first.")


class ApiRoute(APIRoute):
    """A route under ``/api``: its unsafe methods (POST...) run :func:`csrf_protect` first.

    Every ``/api`` router is built with ``route_class=ApiRoute``. Safe methods (GET) skip the
    check's dependency altogether, since a cached read is the hottest path there is.
    """

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: set[str] | list[str] | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        **kwargs: Any,
    ) -> None:
        if methods and UNSAFE_METHODS.intersection(methods):
            dependencies = [Depends(csrf_protect), *(dependencies or [])]
        super().__init__(path, endpoint, methods=methods, dependencies=dependencies, **kwargs)


def pre_sign_in_token(request: Request, settings: Settings) -> str | None:
    """The CSRF token of a visitor who is not signed in, from its cookie (if well-formed).

    A double-submit token: the SPA reads it from ``GET /api/auth/session`` and echoes it in
    ``X-CSRF-Token``. Over HTTPS the cookie has the ``__Host-`` prefix, so no subdomain can
    plant one; with Fetch Metadata and the JSON-only rule it stays as strong as a stored row.
    """
    value = request.cookies.get(settings.csrf_cookie_name)
    return value if value and 20 <= len(value) <= 100 else None
