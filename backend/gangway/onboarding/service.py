"""Minting links, handling Stripe's redirects back, and reading the cached status."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gangway.accounts.models import ConnectedAccount
from gangway.accounts.service import AccountService, NoAccount
from gangway.accounts.state import OnboardingState
from gangway.changes import DRAIN, RESYNC, REVOKED, ChangeFeed
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import Conflict, GangwayError, TooManyRequests
from gangway.core.ratelimit import RateLimiter
from gangway.onboarding import repository
from gangway.onboarding.cache import StatusCache, StatusEntry
from gangway.onboarding.schemas import (
    CollectionOptions,
    EmbeddedComponent,
    EmbeddedComponents,
    EmbeddedSession,
    EmbeddedSessionCreate,
    LinkCreate,
    OnboardingLink,
    OnboardingStatus,
)
from gangway.onboarding.status import build_status, empty_status
from gangway.stripe_gateway import StripeGateway

logger = logging.getLogger("gangway.onboarding")

REFRESH_PATH = "/connect/refresh"
RETURN_PATH = "/connect/return"
RATE_WINDOW = timedelta(minutes=1)
# A stream's session timer fires this long after the session's end, so the end has passed.
_TIMER_SLACK_SECONDS = 0.01
# A pseudo-version a stream's own timer sends itself: "re-check the session".
CHECK_SESSION = -10


def _offer(queue: asyncio.Queue[int], item: int) -> None:
    # A full queue already wakes its reader, which then checks the clock itself.
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(item)


class UpdateNotAllowed(Conflict):
    slug, title = "account-update-not-allowed", "This account can't be updated through a link"


class NoLinkCanHelp(Conflict):
    slug, title = "no-link-can-help", "No onboarding link can help this account"


class NothingToDo(Conflict):
    """``/connect/refresh`` found nothing left to do with Stripe (so it mints nothing)."""

    slug, title = "nothing-to-do", "Nothing to do with Stripe right now"


class LinkRateLimited(TooManyRequests):
    slug, title = "link-rate-limited", "Too many onboarding links"


class RefreshLoop(GangwayError):
    """Too many refreshes in a minute: stop minting and explain instead."""

    status, slug, title = 429, "refresh-loop", "Onboarding link refreshed too often"


class EmbeddedSessionRateLimited(TooManyRequests):
    slug, title = "embedded-session-rate-limited", "Too many embedded onboarding sessions"


class EmbeddedNotConfigured(Conflict):
    slug, title = "embedded-not-configured", "Embedded onboarding is not set up"


# The components every embedded session enables: onboarding, the account's details and bank
# account, and the banner for Stripe's tasks. Bank account collection stays on (it may only be
# turned off for platform-collected accounts).
EMBEDDED_COMPONENTS = ("account_onboarding", "account_management", "notification_banner")
_EMBEDDED_FEATURES = {"external_account_collection": True}


class SyncRateLimited(TooManyRequests):
    slug, title = "sync-rate-limited", "Synced a moment ago"


@dataclass(frozen=True)
class MintedLink:
    """A minted link, and the audit's last write: run ``record_answer`` after answering."""

    link: OnboardingLink
    record_answer: Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class OnboardingService:
    db: Database
    settings: Settings
    stripe: StripeGateway
    accounts: AccountService
    changes: ChangeFeed
    limiter: RateLimiter
    cache: StatusCache

    # --- links

    async def mint(
        self, merchant_id: str, request: LinkCreate, *, source: str = "api"
    ) -> MintedLink:
        """Mint a link for the merchant's own account. The URL goes back to the caller only.

        The account comes from the status cache (the facts the merchant's page shows, and no
        read of the database while it is warm); then an atomic rate-limit hit, and the call to
        Stripe with the link's audit row written meanwhile. No transaction is open while
        Stripe answers, no burst of concurrent mints gets past the limit, and no link is
        answered before its audit row is durable. The caller runs ``record_answer`` once the
        link has been answered.
        """
        account = await self._cached_account(merchant_id)
        if why := _no_link_reason(account):
            raise NoLinkCanHelp(why)
        if request.use_case == "account_update" and account.requirements_collector != "application":
            raise UpdateNotAllowed(
                "Stripe collects this account's information through its own dashboard, "
                "so the platform can't send you to update it here. Use your Stripe "
                "dashboard."
            )
        hit = await self.limiter.hit(
            f"links:{merchant_id}", self.settings.links_per_minute, RATE_WINDOW
        )
        if not hit.allowed:
            raise LinkRateLimited(
                "Too many onboarding links in a minute; wait a moment, then try again.",
                retry_after=hit.retry_after,
            )
        collect = request.collect or self.settings.default_collect
        future = request.future_requirements or self.settings.default_future_requirements
        audit = {
            "merchant_id": merchant_id,
            "stripe_account_id": account.stripe_account_id,
            "use_case": request.use_case,
            "collect": collect,
            "future_requirements": future,
            "source": source,
            "created_at": utcnow(),
            "expires_at": None,  # Stripe's, recorded by record_answer
        }
        # The row needs nothing from Stripe's answer, so it is written while Stripe answers:
        # one round trip with a disk flush (0.5-1 ms on PostgreSQL) that no longer comes after
        # the call. And a process that stops mid-call leaves a trace of the attempt.
        recording = asyncio.ensure_future(self.db.run_alone(repository.INSERT_LINK, audit))
        try:
            link = await self.stripe.create_account_link(
                account_id=account.stripe_account_id,
                use_case=request.use_case,
                collect=collect,
                future_requirements=future,
                refresh_url=self.settings.public_url(REFRESH_PATH),
                return_url=self.settings.public_url(RETURN_PATH),
            )
        except Exception:
            await self._discard_audit(recording)
            raise
        [(audit_id,)] = await recording
        logger.info(
            "onboarding.link.minted",
            extra={
                "merchant_id": merchant_id,
                "use_case": request.use_case,
                "collect": collect,
                "future_requirements": future,
                "source": source,
            },
        )
        first_for = account.id if account.first_link_at is None else None
        return MintedLink(
            link=OnboardingLink(
                url=link.url, expires_at=link.expires_at, use_case=request.use_case
            ),
            record_answer=functools.partial(
                self._record_answer, audit_id, link.expires_at, first_for
            ),
        )

    async def _discard_audit(self, recording: asyncio.Future[list[tuple[Any, ...]]]) -> None:
        """Stripe's call failed, so no link was answered: its audit row goes again."""
        try:
            [(audit_id,)] = await recording
            await self.db.run_alone(repository.DELETE_LINK, {"audit_id": audit_id})
        except Exception as exc:  # the call's own error is the one the merchant sees
            logger.warning(
                "onboarding.link.audit_not_discarded", extra={"error": type(exc).__name__}
            )

    async def _record_answer(
        self, audit_id: int, expires_at: datetime, first_for_account: int | None
    ) -> None:
        """After the answer: Stripe's expiry into the audit row (and, on an account's first
        link, when that was). A failure here is logged; the link has been answered."""
        try:
            if first_for_account is None:
                await self.db.run_alone(
                    repository.RECORD_EXPIRY,
                    {"audit_id": audit_id, "link_expires_at": expires_at},
                )
            else:
                async with self.db.write() as session:
                    await repository.record_expiry(session, audit_id, expires_at)
                    await self.accounts.note_link_minted(session, first_for_account)
        except Exception as exc:
            logger.warning(
                "onboarding.link.expiry_not_recorded",
                extra={"audit_id": audit_id, "error": type(exc).__name__},
            )

    async def _cached_account(self, merchant_id: str) -> ConnectedAccount:
        """The account the merchant's cached status was built from (shared: read only)."""
        account = (await self.status_entry(merchant_id)).account
        if account is None:
            raise NoAccount("You have no connected account yet; create one first.")
        return account

    async def embedded_session(
        self, merchant_id: str, request: EmbeddedSessionCreate
    ) -> EmbeddedSession:
        """An Account Session for the merchant's own account, for Connect embedded components.

        The same refusals and rate limit as links (a bucket of its own). The client secret goes
        back to the caller only: it is neither stored nor logged.
        """
        account = await self._cached_account(merchant_id)
        if why := _no_link_reason(account, via="embedded"):
            raise NoLinkCanHelp(why)
        publishable_key = self.settings.publishable_key
        if publishable_key is None:
            raise EmbeddedNotConfigured(
                "This platform has not set up embedded onboarding; use the onboarding link."
            )
        hit = await self.limiter.hit(
            f"embedded-sessions:{merchant_id}", self.settings.links_per_minute, RATE_WINDOW
        )
        if not hit.allowed:
            raise EmbeddedSessionRateLimited(
                "Too many embedded onboarding sessions in a minute; wait a moment, then try again.",
                retry_after=hit.retry_after,
            )
        options = CollectionOptions(
            fields=request.collect or self.settings.default_collect,
            future_requirements=request.future_requirements
            or self.settings.default_future_requirements,
        )
        created = await self.stripe.create_account_session(
            account_id=account.stripe_account_id,
            components={
                name: {"enabled": True, "features": dict(_EMBEDDED_FEATURES)}
                for name in EMBEDDED_COMPONENTS
            },
        )
        logger.info(
            "onboarding.embedded_session.created",
            extra={
                "merchant_id": merchant_id,
                "collect": options.fields,
                "future_requirements": options.future_requirements,
            },
        )
        components = {
            name: _component(created.components.get(name), options) for name in EMBEDDED_COMPONENTS
        }
        return EmbeddedSession(
            client_secret=created.client_secret,
            expires_at=created.expires_at,
            publishable_key=publishable_key,
            components=EmbeddedComponents.model_validate(components),
        )

    async def refresh(self, merchant_id: str) -> MintedLink:
        """A new link with the parameters of the merchant's latest one (Stripe's refresh_url)."""
        hit = await self.limiter.hit(
            f"refresh:{merchant_id}", self.settings.refresh_loop_limit, RATE_WINDOW
        )
        if not hit.allowed:
            logger.warning("onboarding.refresh.loop", extra={"merchant_id": merchant_id})
            raise RefreshLoop("The onboarding link was refreshed too often in a minute.")
        # A used link (the Back button after finishing, say) lands here too: only go back to
        # Stripe while something is still to be done there.
        action = (await self.status(merchant_id)).next_action
        if action is None or action.kind == "update":  # an optional update is not "to do"
            raise NothingToDo("Nothing is waiting for you at Stripe right now.")
        async with self.db.read() as session:
            latest = await repository.latest_link(session, merchant_id)
        request = LinkCreate.model_validate(
            {
                "use_case": latest.use_case,
                "collect": latest.collect,
                "future_requirements": latest.future_requirements,
            }
            if latest
            else {}
        )
        return await self.mint(merchant_id, request, source="refresh")

    # --- status

    async def status(self, merchant_id: str) -> OnboardingStatus:
        """The cached status (from this process's cache, else the database)."""
        return (await self.status_entry(merchant_id)).body

    async def status_entry(self, merchant_id: str) -> StatusEntry:
        """The cached status with its JSON and ETag, serialized once for every reader."""
        return await self.cache.get(merchant_id, lambda: self._read_status(merchant_id))

    async def _read_status(self, merchant_id: str) -> StatusEntry:
        cached = await self.accounts.cached(merchant_id)
        if cached is None:
            return StatusEntry.of(empty_status(self.settings), None)
        status = build_status(
            cached.account, cached.requirements, cached.capabilities, self.settings
        )
        return StatusEntry.of(status, cached.account)

    async def watch(
        self,
        merchant_id: str,
        *,
        last_version: int | None,
        session_id: int | None,
        session_ends: Callable[[], Awaitable[datetime | None]],
    ) -> AsyncIterator[StatusEntry]:
        """The status now (unless it is still ``last_version``), then once per change.

        Nothing here polls: changes, the session's revocation (``session_id``) and the
        draining of the process arrive through the change feed, and the session's expiry is a
        timer set to ``session_ends()`` (which says when the session ends if left alone, or
        None once it has). The stream ends when the session does or the process drains.
        While the feed cannot hear other processes, the session is re-checked every
        ``stream_session_check_seconds`` instead.
        """
        async with self.changes.subscribe(merchant_id, session_id=session_id) as versions:
            ends = await session_ends()
            if ends is None:
                return
            first = await self.status_entry(merchant_id)
            if first.body.version != last_version:
                yield first
            sent = (first.body.version, first.body.synced_at)
            # One timer per stream, re-armed only when the session's end is re-read: waiting
            # for the next version then costs no timer (it is the hot path of a fan-out).
            timer = self._check_session_at(ends, versions)
            try:
                while True:
                    version = await versions.get()
                    if version == DRAIN:
                        return
                    # (The clock as well: a full queue drops the timer's CHECK_SESSION.)
                    if version in (CHECK_SESSION, REVOKED, RESYNC) or utcnow() >= ends:
                        timer.cancel()
                        ends = await session_ends()
                        if ends is None:
                            return
                        timer = self._check_session_at(ends, versions)
                        if version in (CHECK_SESSION, REVOKED):
                            continue
                    current = await self.status_entry(merchant_id)
                    changed = (current.body.version, current.body.synced_at) != sent
                    if version == RESYNC or changed:
                        yield current
                        sent = (current.body.version, current.body.synced_at)
            finally:
                timer.cancel()

    def _check_session_at(self, ends: datetime, queue: asyncio.Queue[int]) -> asyncio.TimerHandle:
        """Put ``CHECK_SESSION`` in ``queue`` when the session would end (or, while the feed
        cannot hear other processes, after ``stream_session_check_seconds`` at the latest)."""
        wait = (ends - utcnow()).total_seconds() + _TIMER_SLACK_SECONDS
        if not self.changes.cacheable:
            wait = min(wait, self.settings.stream_session_check_seconds)
        return asyncio.get_running_loop().call_later(max(wait, 0), _offer, queue, CHECK_SESSION)

    async def sync_now(self, merchant_id: str) -> OnboardingStatus:
        """Re-read from Stripe on the merchant's request, at most once per interval."""
        account = await self.accounts.get(merchant_id)
        assert account.id is not None
        wait = await self.accounts.claim_manual_sync(account.id, self.settings.manual_sync_interval)
        if wait is not None:
            raise SyncRateLimited(
                "Synced with Stripe a moment ago; try again shortly.",
                retry_after=max(1, int(wait.total_seconds()) + 1),
            )
        await self.accounts.sync(account.stripe_account_id)
        return await self.status(merchant_id)

    async def sync_on_return(self, merchant_id: str) -> None:
        """Best effort, bounded in time: on any failure the cached state stays as it was."""
        account = await self.accounts.find(merchant_id)
        if account is None:
            return
        await self.accounts.record_submission(merchant_id=merchant_id)
        # A bounded number of Stripe reads per merchant, however often the page is hit.
        bound = await self.limiter.hit(
            f"return-sync:{merchant_id}", 1, self.settings.manual_sync_interval
        )
        if not bound.allowed:
            logger.info("onboarding.return.sync_skipped", extra={"merchant_id": merchant_id})
            return
        try:
            async with asyncio.timeout(self.settings.return_sync_timeout_seconds):
                await self.accounts.sync(account.stripe_account_id)
        except (TimeoutError, GangwayError) as exc:
            logger.warning(
                "onboarding.return.sync_failed",
                extra={"merchant_id": merchant_id, "error_type": type(exc).__name__},
            )


def _component(answered: Any, options: CollectionOptions) -> EmbeddedComponent:
    """One component as Stripe answered it (``{enabled, features}``), with our options."""
    data = answered if isinstance(answered, dict) else {}
    features = data.get("features")
    if not isinstance(features, dict):
        features = {}
    return EmbeddedComponent(
        enabled=bool(data.get("enabled", True)),
        features={k: v for k, v in features.items() if isinstance(v, bool)},
        collection_options=options,
    )


# How the refusals below name the way in: (what can't reopen it, what information goes through).
_VIA = {
    "link": ("onboarding links", "a link"),
    "embedded": ("embedded onboarding", "embedded onboarding"),
}


def _no_link_reason(account: ConnectedAccount, via: str = "link") -> str | None:
    """Why no Account Link (or, ``via="embedded"``, no embedded onboarding) can help this
    account, or None when one can."""
    reopen, through = _VIA[via]
    if account.state == OnboardingState.closed:
        return f"This Stripe account is closed; {reopen} can't reopen it."
    if account.state == OnboardingState.rejected:
        return (
            f"Stripe has rejected this account; no information given through {through} "
            "changes that."
        )
    if account.reason_resolution == "contact_stripe":
        return "Stripe needs to talk to you about this account; contact support instead."
    return None
