"""``/api/onboarding``: mint links, read the cached status (plain and live), sync now."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from gangway.auth.dependencies import AuthServiceDep, CurrentMerchant
from gangway.core.deps import SettingsDep
from gangway.core.errors import problem_responses
from gangway.onboarding.dependencies import OnboardingServiceDep
from gangway.onboarding.schemas import LinkCreate, OnboardingLink, OnboardingStatus

router = APIRouter(prefix="/api/onboarding", tags=["onboarding"])


def _etag(body: OnboardingStatus) -> str:
    synced = int(body.synced_at.timestamp() * 1000) if body.synced_at else 0
    return f'"v{body.version}-{synced}"'


@router.post(
    "/links",
    name="create_onboarding_link",
    summary="Mint a single-use link to Stripe-hosted onboarding",
    status_code=status.HTTP_201_CREATED,
    response_model=OnboardingLink,
    responses=problem_responses(404, 409, 422, 429, 502, 503),
)
async def create_onboarding_link(
    body: LinkCreate, merchant: CurrentMerchant, service: OnboardingServiceDep, response: Response
) -> OnboardingLink:
    """Navigate to `url` at once. It works once, until `expires_at`; it is never stored."""
    response.headers["Cache-Control"] = "no-store"
    return await service.mint(merchant.id, body)


@router.get(
    "/status",
    name="get_onboarding_status",
    summary="Your onboarding status, from the cache",
    response_model=OnboardingStatus,
    responses={304: {"description": "Not modified (matches If-None-Match)"}},
)
async def get_onboarding_status(
    merchant: CurrentMerchant,
    service: OnboardingServiceDep,
    response: Response,
    if_none_match: Annotated[str | None, Header()] = None,
) -> OnboardingStatus | Response:
    """Read from the database only, never from Stripe. Supports `ETag` / `If-None-Match`."""
    body = await service.status(merchant.id)
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response.headers.update(headers)
    return body


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

    async def still_signed_in() -> bool:
        return await auth.load_session(token, touch=False) is not None

    last_version = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    first = True
    async for body in service.watch(
        merchant.id, last_version=last_version, still_signed_in=still_signed_in
    ):
        yield ServerSentEvent(
            data=body, event="status", id=str(body.version), retry=2000 if first else None
        )
        first = False
    if service.changes.draining:
        # This instance is shutting down: say so, and ask for a quick reconnect (elsewhere).
        yield ServerSentEvent(event="reconnect", data="The server is restarting.", retry=500)


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
