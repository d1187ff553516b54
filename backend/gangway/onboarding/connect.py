"""``/connect/refresh`` and ``/connect/return``: where Stripe sends the merchant's browser back.

Both trust nothing in the URL. Both answer 303: to Stripe (a fresh link), to the SPA's
onboarding page, or to sign-in when the browser has no session (a link previewer, say).
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Response, status
from fastapi.responses import RedirectResponse

from gangway.auth.dependencies import OptionalSessionDep
from gangway.core.errors import GangwayError
from gangway.onboarding.dependencies import OnboardingServiceDep
from gangway.onboarding.service import RefreshLoop

router = APIRouter(prefix="/connect", tags=["connect"])

SIGN_IN = "/login?next=/onboarding"
ONBOARDING = "/onboarding"


def _see_other(location: str) -> Response:
    return RedirectResponse(
        location, status_code=status.HTTP_303_SEE_OTHER, headers={"Cache-Control": "no-store"}
    )


@router.get(
    "/refresh",
    name="connect_refresh",
    summary="Stripe's refresh_url: mint a fresh link and go there",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=Response,
    responses={303: {"description": "To a fresh Stripe link, the onboarding page, or sign-in"}},
)
async def connect_refresh(
    session: OptionalSessionDep, service: OnboardingServiceDep, background: BackgroundTasks
) -> Response:
    merchant = session.merchant if session else None
    if merchant is None:
        return _see_other(SIGN_IN)  # nothing minted for a browser without a session
    try:
        minted = await service.refresh(merchant.id)
    except RefreshLoop:
        return _see_other(f"{ONBOARDING}?notice=refresh_loop")
    except GangwayError as exc:
        return _see_other(f"{ONBOARDING}?notice={exc.slug}")
    background.add_task(minted.record_answer)
    return _see_other(minted.link.url)


@router.get(
    "/return",
    name="connect_return",
    summary="Stripe's return_url: sync from Stripe, then back to the dashboard",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=Response,
    responses={303: {"description": "To the onboarding page, or sign-in"}},
)
async def connect_return(session: OptionalSessionDep, service: OnboardingServiceDep) -> Response:
    merchant = session.merchant if session else None
    if merchant is None:
        return _see_other(SIGN_IN)
    await service.sync_on_return(merchant.id)
    return _see_other(ONBOARDING)
