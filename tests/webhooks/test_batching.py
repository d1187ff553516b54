"""The inbox batch window: a delivered event waits a moment for others about its account, and
one claim takes every waiting event of that account (one re-read from Stripe serves them all)."""

from __future__ import annotations

from datetime import timedelta

from gangway.core.db import Database, create_engine, utcnow
from gangway.webhooks import repository
from gangway.webhooks.models import NewInboxEvent
from gangway.webhooks.service import inbox_row
from tests.support.api import make_client
from tests.support.database import TestDatabase
from tests.support.settings import BffFactory
from tests.support.webhooks import deliver, inbox, notification

UPDATED = "v2.core.account[requirements].updated"


def _event(event_id: str, account_id: str, due_in: float) -> NewInboxEvent:
    return inbox_row(
        event_id=event_id,
        event_type=UPDATED,
        created=utcnow(),
        account_id=account_id,
        source="webhook",
        delay_seconds=due_in,
    )


async def test_a_claim_takes_the_waiting_events_of_its_account(migrated_db: TestDatabase) -> None:
    db = Database(create_engine(migrated_db.url, schema=migrated_db.schema))
    try:
        await repository.record(
            db,
            [
                _event("evt_due", "acct_one", 0),
                _event("evt_waiting", "acct_one", 60),
                _event("evt_other_account", "acct_two", 60),
            ],
        )
        now = utcnow()
        lease = now + timedelta(seconds=10)
        claimed = await repository.claim(db, worker="w", now=now, lease_until=lease)
        assert sorted(row.event_id for row in claimed) == ["evt_due", "evt_waiting"]
        # The other account's event is still inside its window: nothing is due.
        assert await repository.claim(db, worker="w", now=now, lease_until=lease) == []
    finally:
        await db.dispose()


async def test_a_delivered_event_is_due_after_the_window(make_bff: BffFactory) -> None:
    bff = await make_bff(inbox_workers=0, inbox_batch_window_seconds=30)
    async with make_client(bff) as stripe_side:
        assert (await deliver(stripe_side, notification("acct_any"))).status_code == 200
    (row,) = await inbox(bff.state.services.db)
    assert row.next_attempt_at - row.received_at == timedelta(seconds=30)


# --- recording deliveries: the group commit's one statement per batch


async def _stored_ids(db: Database) -> set[str]:
    return {row.event_id for row in await inbox(db)}


async def test_a_batch_records_each_new_event_once(migrated_db: TestDatabase) -> None:
    """Duplicates inside a batch, and of stored events, are left out (and not reported)."""
    db = Database(create_engine(migrated_db.url, schema=migrated_db.schema))
    try:
        assert await repository.record(db, [_event("evt_stored", "acct_one", 0)]) == ["evt_stored"]
        batch = [
            _event("evt_new", "acct_one", 0),
            _event("evt_stored", "acct_one", 0),  # delivered before
            _event("evt_new", "acct_one", 0),  # delivered twice in this batch
            _event("evt_other", "acct_two", 0),
        ]
        assert sorted(await repository.record(db, batch)) == ["evt_new", "evt_other"]
        assert await _stored_ids(db) == {"evt_stored", "evt_new", "evt_other"}
    finally:
        await db.dispose()


async def test_a_batch_larger_than_one_statement_is_recorded_whole(
    migrated_db: TestDatabase,
) -> None:
    """600 rows: one full statement of 512 and one of 88 padded to 128 (its last row repeated)."""
    db = Database(create_engine(migrated_db.url, schema=migrated_db.schema))
    try:
        events = [_event(f"evt_{i:03}", f"acct_{i % 7}", 0) for i in range(600)]
        inserted = await repository.record(db, events)
        assert sorted(inserted) == sorted(e.event_id for e in events)
        assert len(await _stored_ids(db)) == 600
        assert await repository.record(db, events[::-1]) == []  # all delivered before
    finally:
        await db.dispose()
