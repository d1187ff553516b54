"""``/api/auth``: sign up, sign in, sign out, and the current session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from gangway.auth.dependencies import (
    ApiRoute,
    AuthServiceDep,
    OptionalSessionDep,
    pre_sign_in_token,
)
from gangway.auth.models import AuthSession, Merchant
from gangway.auth.schemas import LoginRequest, MerchantPublic, SessionPublic, SignupRequest
from gangway.auth.service import AuthService, IssuedSession, new_csrf_token
from gangway.core.config import Settings
from gangway.core.db import utcnow
from gangway.core.deps import SettingsDep
from gangway.core.errors import problem_responses

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=ApiRoute)


def _set_cookie(response: Response, settings: Settings, issued: IssuedSession) -> None:
    response.set_cookie(
        settings.session_cookie_name,
        issued.token,
        max_age=int(settings.session_absolute_timeout.total_seconds()),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",  # not strict: Stripe's redirect back to /connect/* is cross-site
    )
    response.headers["Cache-Control"] = "no-store"


def _public(service: AuthService, row: AuthSession, merchant: Merchant | None) -> SessionPublic:
    return SessionPublic(
        merchant=MerchantPublic.model_validate(merchant, from_attributes=True)
        if merchant
        else None,
        csrf_token=row.csrf_token,
        expires_at=service.session_expires_at(row),
    )


@router.get(
    "/session",
    name="get_session",
    summary="The current session, or a CSRF token for signing in",
    response_model=SessionPublic,
)
async def get_session(
    request: Request,
    response: Response,
    current: OptionalSessionDep,
    service: AuthServiceDep,
    settings: SettingsDep,
) -> SessionPublic:
    """Who is signed in, when the session ends, and the CSRF token for POSTs.

    Before sign-in (`merchant` null) the CSRF token is bound to a cookie, not to a stored
    session: anonymous visitors leave nothing in the database.
    """
    response.headers["Cache-Control"] = "no-store"
    if current is not None:
        return _public(service, current.row, current.merchant)
    token = pre_sign_in_token(request, settings) or new_csrf_token()
    response.set_cookie(
        settings.csrf_cookie_name,
        token,
        max_age=int(settings.session_absolute_timeout.total_seconds()),
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return SessionPublic(
        merchant=None, csrf_token=token, expires_at=utcnow() + settings.session_absolute_timeout
    )


@router.post(
    "/signup",
    name="signup",
    summary="Create a merchant and sign in",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionPublic,
    responses=problem_responses(409, 422, 429),
)
async def signup(
    body: SignupRequest,
    request: Request,
    response: Response,
    current: OptionalSessionDep,
    service: AuthServiceDep,
    settings: SettingsDep,
) -> SessionPublic:
    client_ip = request.client.host if request.client else "unknown"
    merchant = await service.signup(body.email, body.password, body.business_name, client_ip)
    issued = await service.issue_session(merchant.id, replacing=current.row.id if current else None)
    _set_cookie(response, settings, issued)
    return _public(service, issued.row, merchant)


@router.post(
    "/login",
    name="login",
    summary="Sign in",
    response_model=SessionPublic,
    responses=problem_responses(401, 422, 429),
)
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    current: OptionalSessionDep,
    service: AuthServiceDep,
    settings: SettingsDep,
) -> SessionPublic:
    """Sign in. The pre-sign-in session is replaced: its token stops working."""
    client_ip = request.client.host if request.client else "unknown"
    merchant = await service.authenticate(body.email, body.password, client_ip)
    issued = await service.issue_session(merchant.id, replacing=current.row.id if current else None)
    _set_cookie(response, settings, issued)
    return _public(service, issued.row, merchant)


@router.post(
    "/logout",
    name="logout",
    summary="Sign out",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def logout(
    current: OptionalSessionDep, service: AuthServiceDep, settings: SettingsDep
) -> Response:
    """End the session server-side; its cookie stops working everywhere at once."""
    if current is not None:
        await service.end_session(current.row)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response
