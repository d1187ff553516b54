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
from gangway.accounts.schemas import CachedAccount, StatusChange
from gangway.accounts.state import RequirementFacts, derive_state
from gangway.auth.models import Merchant
from gangway.changes import ChangeFeed
from gangway.core.db import Database, utcnow
from gangway.core.errors import NotFound
from gangway.stripe_gateway import AccountSnapshot, RequirementEntry, StripeGateway

logger = logging.getLogger("gangway.accounts")


class NoAccount(NotFound):
    slug, title = "no-account", "No connected account yet"


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

    async def get(self, merchant_id: str) -> ConnectedAccount:
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

    async def sync(self, stripe_account_id: str) -> SyncResult:
        """Re-read the account from Stripe and apply it (outside any transaction)."""
        snapshot = await self.stripe.retrieve_account(stripe_account_id)
        return await self.apply(snapshot)

    async def apply(self, snapshot: AccountSnapshot) -> SyncResult:
        """Store ``snapshot`` unless a newer one is already stored; bump the version on change."""
        async with self.db.write() as session:
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
                AccountCapability(account_id=account.id, name=name, status=status)
                for name, status in sorted(snapshot.capabilities.items())
            ]
            state = _state(requirements, snapshot.capabilities, account.first_link_at is not None)
            digest = _digest(state, requirements, capabilities, snapshot)
            changed = digest != account.status_digest
            summary = snapshot.requirements.summary if snapshot.requirements else None
            deadline = summary.minimum_deadline if summary else None
            account.snapshot_fetched_at = snapshot.fetched_at
            account.synced_at = utcnow()
            if snapshot.requirements_collector:
                account.requirements_collector = snapshot.requirements_collector
            if changed:
                await repository.replace_status_rows(
                    session, account.id, requirements, capabilities
                )
                account.state = state
                account.status_digest = digest
                account.status_version += 1
                account.minimum_deadline = deadline.time if deadline else None
                account.minimum_deadline_status = deadline.status if deadline else None
            version, merchant_id = account.status_version, account.merchant_id
        logger.info(
            "accounts.sync.applied",
            extra={"stripe_account_id": snapshot.id, "changed": changed, "version": version},
        )
        # Even an unchanged sync moves synced_at, which the status shows: tell listeners.
        await self.changes.publish(merchant_id, version)
        return SyncResult(changed=changed, version=version)

    async def record_first_link(
        self, session: AsyncSession, account_id: int
    ) -> StatusChange | None:
        """Inside the caller's write: note the first link; the state may leave ``not_started``.

        Returns the change to publish once the caller has committed (None if nothing changed).
        """
        account = await repository.by_id(session, account_id)
        if account is None or account.first_link_at is not None:
            return None
        account.first_link_at = utcnow()
        rows = await repository.requirements(session, account_id)
        caps = await repository.capabilities(session, account_id)
        state = _state(rows, {c.name: c.status for c in caps}, onboarding_started=True)
        if state == account.state:
            return None
        account.state = state
        account.status_version += 1
        return StatusChange(merchant_id=account.merchant_id, version=account.status_version)

    async def publish(self, change: StatusChange | None) -> None:
        """Announce a committed change (from :meth:`record_first_link`)."""
        if change is not None:
            await self.changes.publish(change.merchant_id, change.version)


def _state(
    requirements: list[AccountRequirement], capabilities: dict[str, str], onboarding_started: bool
) -> str:
    return derive_state(
        (
            RequirementFacts(r.deadline_status, r.awaiting_action_from, bool(r.errors))
            for r in requirements
            if r.kind == "current"
        ),
        capabilities,
        onboarding_started=onboarding_started,
    )


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
    state: str,
    requirements: list[AccountRequirement],
    capabilities: list[AccountCapability],
    snapshot: AccountSnapshot,
) -> str:
    """A fingerprint of everything the status shows, to tell real changes from re-reads."""
    payload = {
        "state": state,
        "requirements": [
            r.model_dump(exclude={"id", "account_id"}, mode="json") for r in requirements
        ],
        "capabilities": [(c.name, c.status) for c in capabilities],
        "collector": snapshot.requirements_collector,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
