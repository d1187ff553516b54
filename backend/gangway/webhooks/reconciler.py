"""The reconciler: a periodic sweep that keeps the cache honest when webhooks are not enough.

Each sweep (1) catches up on events missed while the webhook endpoint was unreachable, by
listing ``/v2/core/events`` created after the stored cursor and adding them to the inbox (the
inbox dedupes by event id), (2) re-syncs accounts whose cache is stale or whose requirement
deadline is near, and (3) forgets long-finished inbox rows. A lease row makes sure only one
process sweeps at a time; no transaction is held across a call to Stripe.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gangway.accounts.service import AccountService
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import GangwayError
from gangway.stripe_gateway import StripeGateway
from gangway.webhooks import repository
from gangway.webhooks.service import InboxBell, inbox_row

logger = logging.getLogger("gangway.webhooks.reconciler")

STATE_NAME = "reconciler"
# Listing starts this far before the cursor: an event can become listable a little after a
# later one. Re-listed events are deduplicated by id.
CATCH_UP_OVERLAP = timedelta(minutes=5)
# Accounts whose earliest deadline falls within this horizon are re-synced every sweep...
DEADLINE_HORIZON = timedelta(days=1)
# ...unless they were synced this recently.
DEADLINE_RESYNC_GAP = timedelta(minutes=1)
STALE_BATCH = 100
# Stripe keeps events for 30 days; older inbox rows can never be delivered again.
INBOX_RETENTION = timedelta(days=30)
SWEEP_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class SweepResult:
    ran: bool
    events_listed: int = 0
    events_added: int = 0
    accounts_synced: int = 0
    accounts_failed: int = 0
    pruned: int = 0


def rfc3339(value: datetime) -> str:
    """Stripe v2's timestamp format (millisecond precision, ``Z``)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


@dataclass
class Reconciler:
    db: Database
    settings: Settings
    stripe: StripeGateway
    accounts: AccountService
    bell: InboxBell
    owner: str = field(default_factory=lambda: f"r-{uuid.uuid4().hex[:16]}")

    async def sweep(self) -> SweepResult:
        """Run one sweep unless another process is running one."""
        if not await self._acquire():
            logger.info("webhooks.reconcile.skipped", extra={"reason": "another sweep runs"})
            return SweepResult(ran=False)
        try:
            listed, added = await self.catch_up()
            synced, failed = await self.resync_accounts()
            pruned = await self._prune()
        finally:
            await self._release()
        result = SweepResult(
            ran=True,
            events_listed=listed,
            events_added=added,
            accounts_synced=synced,
            accounts_failed=failed,
            pruned=pruned,
        )
        logger.info(
            "webhooks.reconcile.swept",
            extra={
                "events_listed": listed,
                "events_added": added,
                "accounts_synced": synced,
                "accounts_failed": failed,
                "pruned": pruned,
            },
        )
        return result

    async def catch_up(self) -> tuple[int, int]:
        """List events after the cursor into the inbox: (listed, newly added)."""
        async with self.db.read() as session:
            cursor = await repository.event_cursor(session, STATE_NAME)
        since = rfc3339(cursor - CATCH_UP_OVERLAP) if cursor else None
        try:
            events = await self.stripe.list_events(gt_created=since)
        except GangwayError as exc:
            logger.warning("webhooks.reconcile.catch_up_failed", extra={"error": exc.slug})
            return 0, 0
        rows = [
            inbox_row(
                event_id=e.id,
                event_type=e.type,
                created=e.created,
                account_id=e.account_id,
                source="catch_up",
            )
            for e in events
        ]
        # The events first, then the cursor: a stop between the two lists them again next
        # time, and recording them again is a no-op.
        added = await repository.record(self.db, rows)
        async with self.db.write() as session:
            state = await repository.sync_state(session, STATE_NAME)
            newest = max((e.created for e in events), default=None)
            if newest and (state.last_event_created is None or newest > state.last_event_created):
                state.last_event_created = newest
        if added:
            logger.info("webhooks.reconcile.caught_up", extra={"events_added": len(added)})
            self.bell.ring()
        return len(events), len(added)

    async def resync_accounts(self) -> tuple[int, int]:
        """Re-read stale accounts and those with a near deadline: (synced, failed)."""
        now = utcnow()
        ids = await self.accounts.due_for_resync(
            synced_before=now - self.settings.reconcile_stale_after,
            deadline_before=now + DEADLINE_HORIZON,
            synced_recently=now - DEADLINE_RESYNC_GAP,
            limit=STALE_BATCH,
        )
        synced = failed = 0
        for account_id in ids:
            try:
                await self.accounts.sync(account_id)
                synced += 1
            except GangwayError as exc:
                failed += 1
                logger.warning(
                    "webhooks.reconcile.sync_failed",
                    extra={"stripe_account_id": account_id, "error": exc.slug},
                )
        return synced, failed

    async def _prune(self) -> int:
        async with self.db.write() as session:
            return await repository.prune_finished(session, utcnow() - INBOX_RETENTION)

    async def _acquire(self) -> bool:
        now = utcnow()
        async with self.db.write() as session:
            state = await repository.sync_state(session, STATE_NAME)
            if state.lease_until is not None and state.lease_until > now:
                return False
            state.lease_owner = self.owner
            state.lease_until = now + SWEEP_LEASE
        return True

    async def _release(self) -> None:
        async with self.db.write() as session:
            state = await repository.sync_state(session, STATE_NAME)
            if state.lease_owner == self.owner:
                state.lease_owner = None
                state.lease_until = None
                state.swept_at = utcnow()
