"""``/api/onboarding``: mint links, read the cached status (plain and live), sync now."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Request, Response, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from gangway.auth.dependencies import (
    ApiRoute,
    AuthServiceDep,
    CurrentMerchant,
    OptionalSessionDep,
    current_merchant,
)
from gangway.core.deps import SettingsDep
from gangway.core.errors import problem_responses
from gangway.onboarding.dependencies import OnboardingServiceDep
from gangway.onboarding.schemas import (
    EmbeddedSession,
    EmbeddedSessionCreate,
    LinkCreate,
    OnboardingLink,
    OnboardingStatus,
    PublicConfig,
)
from gangway.onboarding.service import OnboardingService

router = APIRouter(prefix="/api/onboarding", tags=["onboarding"], route_class=ApiRoute)
# ``GET /api/config``: public, read by the SPA before it loads Connect.js.
config_router = APIRouter(prefix="/api", tags=["onboarding"], route_class=ApiRoute)


# Documented here, read from the request (see get_onboarding_status).
_IF_NONE_MATCH = {
    "name": "if-none-match",
    "in": "header",
    "required": False,
    "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "If-None-Match"},
}


# The reads first: routes are matched in order, and these are the hottest.
@router.get(
    "/status",
    name="get_onboarding_status",
    summary="Your onboarding status, from the cache",
    response_model=OnboardingStatus,
    responses={304: {"description": "Not modified (matches If-None-Match)"}},
    openapi_extra={"parameters": [_IF_NONE_MATCH]},
)
async def get_onboarding_status(request: Request) -> OnboardingStatus | Response:
    """Read from the database only, never from Stripe. Supports `ETag` / `If-None-Match`."""
    # The hottest read: the merchant, the service and the header straight from the request,
    # with no dependency or parameter for FastAPI to solve.
    merchant = await current_merchant(request)
    service: OnboardingService = request.app.state.services.onboarding
    if_none_match = request.headers.get("if-none-match")
    entry = await service.status_entry(merchant.id)
    headers = {"ETag": entry.etag, "Cache-Control": "private, no-cache"}
    if if_none_match and entry.etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    # Serialized once per change, for every request and stream: sent as it is.
    return Response(content=entry.json, media_type="application/json", headers=headers)


@router.get(
    "/status/stream",
    name="stream_onboarding_status",
    summary="Live onboarding status (Server-Sent Events)",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "`status` events carrying an OnboardingStatus; `id` is its version. "
            "A last `reconnect` event means this server is restarting: reconnect."
        }
    },
)
async def stream_onboarding_status(
    request: Request,
    merchant: CurrentMerchant,
    session: OptionalSessionDep,
    service: OnboardingServiceDep,
    auth: AuthServiceDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The current status first, then one event per change.

    Resuming with `Last-Event-ID` skips the first event when nothing changed since. The stream
    ends when the session is signed out or expires.
    """
    token = request.cookies.get(settings.session_cookie_name)

    async def session_ends() -> datetime | None:
        return await auth.live_until(token)

    last_version = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    first = True
    async for entry in service.watch(
        merchant.id,
        last_version=last_version,
        session_id=session.row.id if session else None,
        session_ends=session_ends,
    ):
        yield ServerSentEvent(
            raw_data=entry.json,
            event="status",
            id=str(entry.body.version),
            retry=2000 if first else None,
        )
        first = False
    if service.changes.draining:
        # This instance is shutting down: say so, and ask for a quick reconnect (elsewhere).
        yield ServerSentEvent(event="reconnect", data="The server is restarting.", retry=500)


@router.post(
    "/links",
    name="create_onboarding_link",
    summary="Mint a single-use link to Stripe-hosted onboarding",
    status_code=status.HTTP_201_CREATED,
    response_model=OnboardingLink,
    responses=problem_responses(404, 409, 422, 429, 502, 503),
)
async def create_onboarding_link(
    body: LinkCreate,
    merchant: CurrentMerchant,
    service: OnboardingServiceDep,
    response: Response,
    background: BackgroundTasks,
) -> OnboardingLink:
    """Navigate to `url` at once. It works once, until `expires_at`; it is never stored."""
    response.headers["Cache-Control"] = "no-store"
    minted = await service.mint(merchant.id, body)
    background.add_task(minted.record_answer)
    return minted.link


@router.post(
    "/embedded-session",
    name="create_embedded_session",
    summary="Create a session for Connect embedded components (onboarding in the page)",
    status_code=status.HTTP_201_CREATED,
    response_model=EmbeddedSession,
    responses=problem_responses(404, 409, 422, 429, 502, 503),
)
async def create_embedded_session(
    body: EmbeddedSessionCreate,
    merchant: CurrentMerchant,
    service: OnboardingServiceDep,
    response: Response,
) -> EmbeddedSession:
    """For your own account (the session decides; no id is accepted), with
    `account_onboarding`, `account_management` and `notification_banner` enabled.

    Return `client_secret` from Connect.js's `fetchClientSecret` at once; it expires at
    `expires_at` and is never stored. Pass each component's `collection_options` to it as
    `collectionOptions`.
    """
    response.headers["Cache-Control"] = "no-store"
    return await service.embedded_session(merchant.id, body)


@router.post(
    "/embedded-exit",
    name="record_embedded_exit",
    summary="The merchant left embedded onboarding: re-read the account, as a return does",
    response_model=OnboardingStatus,
)
async def record_embedded_exit(
    merchant: CurrentMerchant, service: OnboardingServiceDep
) -> OnboardingStatus:
    """Call from `ConnectAccountOnboarding`'s `onExit`: what `/connect/return` does for a link
    (the merchant is no longer a first-timer; a bounded re-read from Stripe), then the status.
    Never fails on Stripe's account: the cached status comes back either way."""
    await service.sync_on_return(merchant.id)
    return await service.status(merchant.id)


@config_router.get(
    "/config",
    name="get_public_config",
    summary="What the SPA needs to load Connect.js (no sign-in needed)",
    response_model=PublicConfig,
)
async def get_public_config(settings: SettingsDep, response: Response) -> PublicConfig:
    response.headers["Cache-Control"] = "no-cache"
    return PublicConfig(
        publishable_key=settings.publishable_key,
        connect_js_url=settings.connect_js_url,
        onboarding_surface=settings.onboarding_surface,
    )


@router.post(
    "/sync",
    name="sync_onboarding_status",
    summary="Re-read your account from Stripe now",
    response_model=OnboardingStatus,
    responses=problem_responses(404, 429, 502, 503),
)
async def sync_onboarding_status(
    merchant: CurrentMerchant, service: OnboardingServiceDep
) -> OnboardingStatus:
    """Rate-limited per merchant; the answer is the freshly cached status."""
    return await service.sync_now(merchant.id)
