"""Short leases, renewed while an attempt runs: a dead worker's events are taken over within
seconds, and a live worker's slow attempt is never taken over (exactly once in effect)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BffFactory
from tests.support.webhooks import deliver, inbox_settled, notification


async def test_a_slow_attempt_outliving_its_lease_is_not_taken_over(
    make_bff: BffFactory, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    # Two processes' worth of workers on one database, a lease far shorter than an attempt.
    first = await make_bff(inbox_lease_seconds=0.6)
    await make_bff(inbox_lease_seconds=0.6)
    async with make_client(first) as merchant:
        await signup(merchant, unique_email())
        created = await post(merchant, "/api/account", {"country": "US"})
        assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    # Each read of the account takes 1.5 s: within the Stripe timeout, well over the lease.
    async with httpx.AsyncClient(base_url=emulator.base_url) as control:
        fault = await control.post(
            "/_emulator/faults",
            json={"latency_ms": 1500, "count": 5, "paths": [f"/v2/core/accounts/{account_id}"]},
        )
        assert fault.status_code == 200, fault.text
    async with make_client(first) as stripe_side:
        assert (await deliver(stripe_side, notification(account_id))).status_code == 200
    (row,) = await inbox_settled(first.state.services.db, timeout=20)
    assert row.status == "done"
    assert (row.attempts, row.completions) == (1, 1)
