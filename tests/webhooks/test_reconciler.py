"""The reconciler: catching up on missed events, re-syncing stale accounts, one sweep at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gangway.accounts.models import ConnectedAccount
from gangway.core.db import utcnow
from gangway.webhooks import reconciler as reconciler_module
from gangway.webhooks.reconciler import STATE_NAME
from gangway.webhooks.repository import event_cursor
from tests.support.account_state import account_event_ids, cached_state, emulator_state
from tests.support.emulator_server import EmulatorHandle
from tests.support.webhooks import account_row, inbox, inbox_settled


async def test_a_sweep_catches_up_on_events_missed_while_down(
    bff: Any, onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle, browser: Any
) -> None:
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    # The account changes while no webhook reaches us (no destination is registered).
    changed = await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
    )
    assert changed.status_code == 200
    assert await inbox(bff.state.services.db) == []
    missed = await account_event_ids(emulator, account_id)

    reconciler = bff.state.services.reconciler
    first = await reconciler.sweep()
    assert first.ran
    assert first.events_added >= len(missed)
    rows = await inbox_settled(bff.state.services.db)
    assert {r.event_id for r in rows} >= set(missed)
    assert all(r.source == "catch_up" for r in rows)
    assert await cached_state(bff.state.services.db, account_id) == await emulator_state(
        emulator, account_id
    )
    async with bff.state.services.db.read() as session:
        assert await event_cursor(session, STATE_NAME) is not None

    # A second sweep lists again from the cursor and queues nothing twice.
    second = await reconciler.sweep()
    assert second.ran
    assert second.events_added == 0
    assert len(await inbox(bff.state.services.db)) == len(rows)

    # Events after the cursor are picked up by the next sweep.
    await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/future_requirements", json={}
    )
    third = await reconciler.sweep()
    assert third.events_added >= 1
    await inbox_settled(bff.state.services.db)
    assert await cached_state(bff.state.services.db, account_id) == await emulator_state(
        emulator, account_id
    )


async def test_a_sweep_resyncs_stale_accounts_and_near_deadlines(
    bff: Any, onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle, browser: Any
) -> None:
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    # Cache refreshed long ago: stale.
    long_ago = utcnow() - timedelta(days=2)
    async with bff.state.services.db.write() as session:
        await session.execute(
            sa.update(ConnectedAccount)
            .where(ConnectedAccount.stripe_account_id == account_id)
            .values(synced_at=long_ago, snapshot_fetched_at=long_ago)
        )
    await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
    )
    reconciler = bff.state.services.reconciler
    synced, failed = await reconciler.resync_accounts()
    assert (synced, failed) == (1, 0)
    row = await account_row(bff.state.services.db, account_id)
    assert row.synced_at is not None
    assert row.synced_at > long_ago
    assert await cached_state(bff.state.services.db, account_id) == await emulator_state(
        emulator, account_id
    )
    # Fresh and no deadline within a day: nothing to do.
    assert await reconciler.resync_accounts() == (0, 0)

    # A deadline within the horizon makes it due again, once the last sync is a minute old.
    soon = utcnow() + timedelta(hours=2)
    async with bff.state.services.db.write() as session:
        await session.execute(
            sa.update(ConnectedAccount)
            .where(ConnectedAccount.stripe_account_id == account_id)
            .values(minimum_deadline=soon, synced_at=utcnow() - timedelta(minutes=5))
        )
    assert await reconciler.resync_accounts() == (1, 0)


async def test_only_one_sweep_runs_at_a_time(bff: Any) -> None:
    reconciler = bff.state.services.reconciler
    assert await reconciler._acquire()
    try:
        assert (await reconciler.sweep()).ran is False
    finally:
        await reconciler._release()
    assert (await reconciler.sweep()).ran is True


async def test_a_stop_between_the_events_and_the_cursor_loses_nothing(
    bff: Any,
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Catch-up records the events before it moves the cursor: if it stops in between, the
    next sweep lists them again, adds nothing twice, and moves the cursor."""
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
    )
    missed = await account_event_ids(emulator, account_id)
    db = bff.state.services.db

    async def stop(*_args: Any) -> None:
        raise RuntimeError("the process stopped here")

    reconciler = bff.state.services.reconciler
    monkeypatch.setattr(reconciler_module.repository, "sync_state", stop)
    with pytest.raises(RuntimeError):
        await reconciler.catch_up()
    monkeypatch.undo()
    assert {r.event_id for r in await inbox(db)} >= set(missed)
    async with db.read() as session:
        assert await event_cursor(session, STATE_NAME) is None

    again = await reconciler.sweep()
    assert again.events_added == 0
    assert {r.event_id for r in await inbox_settled(db)} >= set(missed)
    async with db.read() as session:
        assert await event_cursor(session, STATE_NAME) is not None
