"""Create the merchant's connected account exactly once, and keep its cached status current.

Two rules shape this module: no DB transaction is held open across a call to Stripe, and a
snapshot from Stripe is applied only if it was requested after the one already stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gangway.accounts import repository
from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.accounts.schemas import CachedAccount
from gangway.accounts.state import (
    AccountFacts,
    CapabilityFacts,
    RequirementFacts,
    Verdict,
    derive_state,
)
from gangway.auth.models import Merchant
from gangway.changes import ChangeFeed
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import Conflict, NotFound, TooManyRequests
from gangway.core.ratelimit import RateLimiter
from gangway.stripe_gateway import AccountSnapshot, RequirementEntry, StripeGateway

logger = logging.getLogger("gangway.accounts")


class NoAccount(NotFound):
    slug, title = "no-account", "No connected account yet"


class NoExpressDashboard(Conflict):
    slug, title = "no-express-dashboard", "This account has no Express dashboard"


class DashboardLinkRateLimited(TooManyRequests):
    slug, title = "dashboard-link-rate-limited", "Too many dashboard links"


DASHBOARD_LINK_WINDOW = timedelta(minutes=1)


def account_idempotency_key(merchant_id: str) -> str:
    """Derived from the merchant alone, so every retry and double-click names the same create."""
    return f"gangway-account-{merchant_id}"


@dataclass(frozen=True)
class SyncResult:
    changed: bool
    version: int


@dataclass(frozen=True)
class AccountService:
    db: Database
    stripe: StripeGateway
    changes: ChangeFeed
    settings: Settings
    limiter: RateLimiter

    async def get(self, merchant_id: str) -> ConnectedAccount:
        """The merchant's account, read now (minting reads the cached one)."""
        async with self.db.read() as session:
            account = await repository.by_merchant(session, merchant_id)
        if account is None:
            raise NoAccount("You have no connected account yet; create one first.")
        return account

    async def find(self, merchant_id: str) -> ConnectedAccount | None:
        async with self.db.read() as session:
            return await repository.by_merchant(session, merchant_id)

    async def cached(self, merchant_id: str) -> CachedAccount | None:
        """The account with its cached requirements and capabilities, in one read."""
        async with self.db.read() as session:
            account = await repository.by_merchant(session, merchant_id)
            if account is None:
                return None
            assert account.id is not None
            return CachedAccount(
                account=account,
                requirements=await repository.requirements(session, account.id),
                capabilities=await repository.capabilities(session, account.id),
            )

    async def is_known(self, stripe_account_id: str) -> bool:
        """Whether the account is one of ours (events may name accounts of other platforms)."""
        async with self.db.read() as session:
            return await repository.by_stripe_id(session, stripe_account_id) is not None

    async def due_for_resync(
        self,
        *,
        synced_before: datetime,
        deadline_before: datetime,
        synced_recently: datetime,
        limit: int,
    ) -> list[str]:
        """Stripe ids of accounts whose cache is stale, then of those with a near deadline
        not synced since ``synced_recently``; at most ``limit`` of each, without repeats."""
        async with self.db.read() as session:
            stale = await repository.stale(session, synced_before, limit)
            near = await repository.with_deadline_before(session, deadline_before)
        near_ids = [
            a.stripe_account_id
            for a in near
            if a.synced_at is None or a.synced_at < synced_recently
        ][:limit]
        return list(dict.fromkeys([a.stripe_account_id for a in stale] + near_ids))

    async def claim_manual_sync(self, account_id: int, interval: timedelta) -> timedelta | None:
        """Record a merchant-requested sync now, unless one was within ``interval``.

        Returns how long to wait when refused. The check and the record are one write, so
        concurrent requests cannot both pass.
        """
        now = utcnow()
        async with self.db.write() as session:
            row = await repository.by_id(session, account_id, for_update=True)
            assert row is not None
            if row.manual_sync_at and now - row.manual_sync_at < interval:
                return interval - (now - row.manual_sync_at)
            row.manual_sync_at = now
        return None

    async def create(
        self, merchant: Merchant, country: str, business_type: str | None
    ) -> tuple[ConnectedAccount, bool]:
        """The merchant's account and whether this call created it.

        Safe under concurrent double-clicks: all callers send one idempotency key, so Stripe
        creates one account; the unique constraint on ``merchant_id`` lets one row win.
        """
        if existing := await self.find(merchant.id):
            return existing, False
        snapshot = await self.stripe.create_account(
            idempotency_key=account_idempotency_key(merchant.id),
            email=merchant.email,
            business_name=merchant.business_name,
            country=country,
            business_type=business_type,
        )
        account = ConnectedAccount(
            merchant_id=merchant.id,
            stripe_account_id=snapshot.id,
            country=(snapshot.country or country).upper(),
            business_type=snapshot.business_type or business_type,
            dashboard=snapshot.dashboard or "none",
            requirements_collector=snapshot.requirements_collector or "application",
        )
        try:
            async with self.db.write() as session:
                session.add(account)
        except IntegrityError:
            # A concurrent request stored the same account first.
            return await self.get(merchant.id), False
        logger.info(
            "accounts.created",
            extra={"merchant_id": merchant.id, "stripe_account_id": snapshot.id},
        )
        await self.apply(snapshot)
        return account, True

    async def dashboard_link(self, merchant_id: str) -> str:
        """A single-use login link to the merchant's Express dashboard; the URL goes back to
        the caller only (never stored or logged). Rate-limited like onboarding links."""
        account = await self.get(merchant_id)
        if account.closed:
            raise NoExpressDashboard("This Stripe account is closed; its dashboard is gone.")
        if account.dashboard != "express":
            raise NoExpressDashboard(_NO_EXPRESS_REASONS.get(account.dashboard, _NO_DASHBOARD))
        hit = await self.limiter.hit(
            f"dashboard-links:{merchant_id}", self.settings.links_per_minute, DASHBOARD_LINK_WINDOW
        )
        if not hit.allowed:
            raise DashboardLinkRateLimited(
                "Too many dashboard links in a minute; wait a moment, then try again.",
                retry_after=hit.retry_after,
            )
        link = await self.stripe.create_login_link(account.stripe_account_id)
        logger.info("accounts.dashboard_link.created", extra={"merchant_id": merchant_id})
        return link.url

    async def sync(self, stripe_account_id: str) -> SyncResult:
        """Re-read the account from Stripe and apply it (outside any transaction)."""
        snapshot = await self.stripe.retrieve_account(stripe_account_id)
        return await self.apply(snapshot)

    async def apply(self, snapshot: AccountSnapshot) -> SyncResult:
        """Store ``snapshot`` unless a newer one is already stored; bump the version on change."""
        # Announced: the publish below tells every cache exactly which status changed.
        async with self.db.write(announced=True) as session:
            account = await repository.by_stripe_id(session, snapshot.id, for_update=True)
            if account is None:
                logger.info(
                    "accounts.sync.unknown_account", extra={"stripe_account_id": snapshot.id}
                )
                return SyncResult(changed=False, version=0)
            if account.snapshot_fetched_at and snapshot.fetched_at <= account.snapshot_fetched_at:
                logger.info(
                    "accounts.sync.stale_snapshot", extra={"stripe_account_id": snapshot.id}
                )
                return SyncResult(changed=False, version=account.status_version)
            assert account.id is not None
            requirements = _requirement_rows(account.id, snapshot)
            capabilities = [
                AccountCapability(
                    account_id=account.id,
                    name=name,
                    status=status,
                    status_details=[
                        d.model_dump() for d in snapshot.capability_details.get(name, [])
                    ],
                )
                for name, status in sorted(snapshot.capabilities.items())
            ]
            if "active" in snapshot.capabilities.values() and account.activated_at is None:
                account.activated_at = utcnow()
            account.closed = bool(snapshot.closed)
            account.losses_collector = snapshot.losses_collector or account.losses_collector
            if snapshot.requirements_collector:
                account.requirements_collector = snapshot.requirements_collector
            account.snapshot_fetched_at = snapshot.fetched_at
            verdict = _verdict(account, requirements, capabilities)
            digest = _digest(verdict, requirements, capabilities, snapshot)
            changed = digest != account.status_digest
            summary = snapshot.requirements.summary if snapshot.requirements else None
            deadline = summary.minimum_deadline if summary else None
            account.synced_at = utcnow()
            if changed:
                await repository.replace_status_rows(
                    session, account.id, requirements, capabilities
                )
                _set_verdict(account, verdict)
                account.status_digest = digest
                account.status_version += 1
                account.minimum_deadline = deadline.time if deadline else None
                account.minimum_deadline_status = deadline.status if deadline else None
                future = snapshot.future_requirements
                account.upcoming_deadline = future.earliest_date if future else None
            version, merchant_id = account.status_version, account.merchant_id
        logger.info(
            "accounts.sync.applied",
            extra={"stripe_account_id": snapshot.id, "changed": changed, "version": version},
        )
        # Even an unchanged sync moves synced_at, which the status shows: tell listeners.
        await self.changes.publish(merchant_id, version)
        return SyncResult(changed=changed, version=version)

    async def note_link_minted(self, session: AsyncSession, account_id: int) -> None:
        """Inside the caller's write: remember when the first link was minted."""
        await repository.set_first_link_at(session, account_id, utcnow())

    async def record_submission(
        self, *, merchant_id: str | None = None, stripe_account_id: str | None = None
    ) -> None:
        """The merchant came back from Stripe: from now on they are no longer a first-timer.

        Stripe's v2 API has no ``details_submitted``; a return (``/connect/return`` or the
        ``v2.core.account_link.returned`` event) is Gangway's own evidence. The state is
        re-derived from the cached rows at once, so the status changes even if Stripe is slow.
        """
        async with self.db.write(announced=True) as session:  # published below
            if merchant_id is not None:
                account = await repository.by_merchant(session, merchant_id)
            else:
                assert stripe_account_id is not None
                account = await repository.by_stripe_id(session, stripe_account_id)
            if account is None or account.info_submitted_at is not None:
                return
            assert account.id is not None
            account.info_submitted_at = utcnow()
            verdict = _verdict(
                account,
                await repository.requirements(session, account.id),
                await repository.capabilities(session, account.id),
            )
            if (verdict.state, verdict.reason_code) == (account.state, account.reason_code):
                return
            _set_verdict(account, verdict)
            account.status_version += 1
            version, owner = account.status_version, account.merchant_id
        logger.info("accounts.submission.recorded", extra={"merchant_id": owner})
        await self.changes.publish(owner, version)


_NO_DASHBOARD = (
    "Your account has no Stripe dashboard: review and change your information here, in "
    "your account settings."
)
_NO_EXPRESS_REASONS = {
    "full": "Your account uses the full Stripe Dashboard: sign in at dashboard.stripe.com "
    "with your Stripe login instead.",
    "none": _NO_DASHBOARD,
}


def _verdict(
    account: ConnectedAccount,
    requirements: list[AccountRequirement],
    capabilities: list[AccountCapability],
) -> Verdict:
    return derive_state(
        AccountFacts(
            requirements=tuple(
                RequirementFacts(r.deadline_status, r.awaiting_action_from, bool(r.errors))
                for r in requirements
                if r.kind == "current"
            ),
            capabilities=tuple(
                CapabilityFacts(
                    c.name,
                    c.status,
                    tuple((d.get("code", ""), d.get("resolution")) for d in c.status_details),
                )
                for c in capabilities
            ),
            has_future_requirements=any(r.kind == "future" for r in requirements),
            closed=account.closed,
            submitted=_snapshot_reflects_submission(account),
            once_active=account.activated_at is not None,
        )
    )


def _snapshot_reflects_submission(account: ConnectedAccount) -> bool:
    """The merchant submitted, and the cached snapshot was read after that.

    Until Stripe has been read since the return, its requirements still describe the account
    as it was before: a fresh account's "past due" must not turn into "overdue" just because
    Stripe was slow to answer.
    """
    submitted, fetched = account.info_submitted_at, account.snapshot_fetched_at
    return submitted is not None and fetched is not None and fetched >= submitted


def _set_verdict(account: ConnectedAccount, verdict: Verdict) -> None:
    account.state = verdict.state
    account.reason_code = verdict.reason_code
    account.reason_resolution = verdict.reason_resolution


def _requirement_rows(account_id: int, snapshot: AccountSnapshot) -> list[AccountRequirement]:
    rows: list[AccountRequirement] = []
    for kind, group in (
        ("current", snapshot.requirements),
        ("future", snapshot.future_requirements),
    ):
        for entry in (group.entries if group else None) or []:
            rows.append(_row(account_id, kind, entry))
    return rows


def _row(account_id: int, kind: str, entry: RequirementEntry) -> AccountRequirement:
    return AccountRequirement(
        account_id=account_id,
        kind=kind,
        description=entry.description,
        deadline_status=entry.deadline_status,
        deadline=entry.minimum_deadline.time if entry.minimum_deadline else None,
        awaiting_action_from=entry.awaiting_action_from,
        errors=[{"code": e.code, "description": e.description} for e in entry.errors],
        restricts_capabilities=entry.restricted_capabilities,
    )


def _digest(
    verdict: Verdict,
    requirements: list[AccountRequirement],
    capabilities: list[AccountCapability],
    snapshot: AccountSnapshot,
) -> str:
    """A fingerprint of everything the status shows, to tell real changes from re-reads."""
    payload = {
        "state": [verdict.state, verdict.reason_code, verdict.reason_resolution],
        "requirements": [
            r.model_dump(exclude={"id", "account_id"}, mode="json") for r in requirements
        ],
        "capabilities": [(c.name, c.status, c.status_details) for c in capabilities],
        "closed": snapshot.closed,
        "upcoming": str(snapshot.future_requirements.earliest_date)
        if snapshot.future_requirements
        else None,
        "collector": snapshot.requirements_collector,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
