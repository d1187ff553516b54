"""Claims at the repository level: a lease that runs out hands the event to another worker, and
an event whose leases keep running out is dead-lettered rather than retried for ever."""

from __future__ import annotations

from datetime import timedelta

from gangway.core.db import utcnow
from gangway.webhooks import repository
from gangway.webhooks.models import InboxStatus
from gangway.webhooks.service import inbox_row
from tests.support.settings import BffFactory
from tests.support.webhooks import inbox

UPDATED = "v2.core.account[requirements].updated"


async def _one_due_event(bff: object, *, due_minutes_ago: float = 0) -> None:
    row = inbox_row(
        event_id="evt_claimed",
        event_type=UPDATED,
        created=utcnow(),
        account_id="acct_one",
        source="webhook",
        delay_seconds=-60 * due_minutes_ago,
    )
    await repository.record(bff.state.services.db, [row])  # type: ignore[attr-defined]


async def test_a_worker_whose_lease_ran_out_cannot_finish_the_event(make_bff: BffFactory) -> None:
    bff = await make_bff(inbox_workers=0)
    db = bff.state.services.db
    await _one_due_event(bff)
    now = utcnow()
    (first,) = await repository.claim(
        db, worker="w-slow", now=now, lease_until=now + timedelta(seconds=1)
    )
    assert first.attempts == 1
    later = now + timedelta(seconds=2)  # the slow worker's lease has run out
    (second,) = await repository.claim(
        db, worker="w-next", now=later, lease_until=later + timedelta(seconds=10)
    )
    assert second.attempts == 2

    assert await repository.finish(db, ["evt_claimed"], "w-slow", "done", later) == 0
    (row,) = await inbox(db)
    assert (row.status, row.locked_by, row.completions) == ("processing", "w-next", 0)

    assert await repository.finish(db, ["evt_claimed"], "w-next", "done", later) == 1
    (row,) = await inbox(db)
    assert (row.status, row.locked_by, row.locked_until) == ("done", None, None)
    assert (row.completions, row.attempts, row.finished_at) == (1, 2, later)


async def test_an_event_whose_leases_keep_running_out_is_dead_lettered(
    make_bff: BffFactory,
) -> None:
    bff = await make_bff(inbox_workers=0, inbox_max_attempts=2)
    db = bff.state.services.db
    await _one_due_event(bff, due_minutes_ago=10)
    # Two workers died holding it (their leases ran out): two attempts are spent.
    for minutes_ago in (2, 1):
        past = utcnow() - timedelta(minutes=minutes_ago)
        assert await repository.claim(db, worker="w-dead", now=past, lease_until=past)

    assert await bff.state.services.webhooks.process_next("w-live") is False
    (row,) = await inbox(db)
    assert row.status == InboxStatus.dead
    assert (row.attempts, row.locked_by, row.locked_until) == (3, None, None)
    assert row.last_error == "LeaseExpired: no attempt finished within its lease"
    assert row.finished_at is not None
