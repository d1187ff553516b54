"""DESIGN.md: "Never hold a DB transaction open across a network call."

Every call to Stripe checks, at the moment it starts, that the task making it holds no database
connection (a transaction held across the call would hold one). Connections are counted per
asyncio task, so the inbox worker polling, or the test itself, never muddles the count. The
journey covers account creation, minting, the return sync and webhook processing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import event

from gangway.stripe_gateway import StripeGateway
from tests.support.api import post
from tests.support.webhooks import deliver, inbox_settled, notification

T = TypeVar("T")


async def test_no_connection_is_held_while_stripe_is_called(
    bff: Any, merchant: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[tuple[str, int]] = []
    calls: list[str] = []
    original = StripeGateway._call
    # Which task checked each pooled connection out (checkin may run in another task: the
    # session closes under asyncio.shield).
    owner: dict[int, asyncio.Task[Any] | None] = {}
    pool = bff.state.services.db.engine.sync_engine.pool

    def on_checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        owner[id(record)] = asyncio.current_task()

    def on_checkin(_dbapi: Any, record: Any) -> None:
        owner.pop(id(record), None)

    def held_by_current_task() -> int:
        return sum(1 for task in owner.values() if task is asyncio.current_task())

    event.listen(pool, "checkout", on_checkout)
    event.listen(pool, "checkin", on_checkin)

    async def checked(self: StripeGateway, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        calls.append(operation)
        if held_by_current_task():
            held.append((operation, held_by_current_task()))
        return await original(self, operation, call)

    monkeypatch.setattr(StripeGateway, "_call", checked)

    created = await post(merchant, "/api/account", {"country": "US"})
    assert created.status_code == 201
    assert (await post(merchant, "/api/onboarding/links", {})).status_code == 201
    assert (await merchant.get("/connect/return")).status_code == 303
    account_id = created.json()["id"]
    assert (await deliver(merchant, notification(account_id))).status_code == 200
    rows = await inbox_settled(bff.state.services.db)
    assert [r.status for r in rows] == ["done"]

    assert {"accounts.create", "account_links.create", "accounts.retrieve"} <= set(calls)
    assert calls.count("accounts.retrieve") >= 2, "the return sync and the worker both re-read"
    assert held == [], f"a connection was checked out during these Stripe calls: {held}"
