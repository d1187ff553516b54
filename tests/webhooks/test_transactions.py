"""DESIGN.md: "Never hold a DB transaction open across a network call."

Every call to Stripe checks, at the moment it starts, that no database connection is checked out
of the pool. A transaction held across the call would hold one. The journey covers account
creation, minting, the return sync and webhook processing by the inbox worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from gangway.stripe_gateway import StripeGateway
from tests.support.api import post
from tests.webhooks.support import deliver, inbox_settled, notification

T = TypeVar("T")


async def test_no_connection_is_held_while_stripe_is_called(
    bff: Any, merchant: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[tuple[str, int]] = []
    calls: list[str] = []
    original = StripeGateway._call
    pool = bff.state.db.engine.pool

    async def checked(self: StripeGateway, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        calls.append(operation)
        if pool.checkedout():
            held.append((operation, pool.checkedout()))
        return await original(self, operation, call)

    monkeypatch.setattr(StripeGateway, "_call", checked)

    created = await post(merchant, "/api/account", {"country": "US"})
    assert created.status_code == 201
    assert (await post(merchant, "/api/onboarding/links", {})).status_code == 201
    assert (await merchant.get("/connect/return")).status_code == 303
    account_id = created.json()["id"]
    assert (await deliver(merchant, notification(account_id))).status_code == 200
    rows = await inbox_settled(bff.state.db)
    assert [r.status for r in rows] == ["done"]

    assert {"accounts.create", "account_links.create", "accounts.retrieve"} <= set(calls)
    assert calls.count("accounts.retrieve") >= 2, "the return sync and the worker both re-read"
    assert held == [], f"a connection was checked out during these Stripe calls: {held}"
