"""Property: whatever order and however often events arrive, the cache ends up equal to Stripe.

Each example creates a fresh account on one shared emulator and BFF, then runs a random
program that changes the account at the emulator and delivers the resulting events (and
older ones again) in random order and batches, some concurrently. Once every event has been
delivered at least once and the inbox has drained, the cached status must equal the account
as the emulator renders it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.account_state import account_event_ids, cached_state, emulator_state
from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BffFactory
from tests.support.webhooks import deliver, inbox_settled, notification


@pytest.fixture
async def bff(make_bff: BffFactory) -> FastAPI:
    """One BFF for every example, each of which signs up a merchant from the same address:
    Hypothesis may run more examples than ``max_examples`` (it discards some part-way), more
    than an hour's sign-up allowance."""
    return await make_bff(signups_per_ip_per_hour=1000)


ERROR_CODES = [
    "verification_failed_id_number_match",
    "verification_failed_name_match",
    "verification_failed_other",
]

mutations = st.one_of(
    st.tuples(st.just("error"), st.sampled_from(ERROR_CODES)),
    st.tuples(st.just("future"), st.sampled_from([10, 40])),  # lead, in days
    st.tuples(st.just("advance"), st.sampled_from([1, 15])),  # days
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("mutate"), mutations),
        # deliver this many events picked (with repeats) from those seen so far, concurrently
        st.tuples(st.just("deliver"), st.integers(min_value=1, max_value=4)),
    ),
    min_size=1,
    max_size=5,
)


async def _mutate(
    client: httpx.AsyncClient, emulator: EmulatorHandle, account_id: str, change: Any
) -> None:
    kind, value = change
    base = f"{emulator.base_url}/_emulator"
    if kind == "error":
        response = await client.post(
            f"{base}/accounts/{account_id}/verification_error", json={"code": value}
        )
    elif kind == "future":
        response = await client.post(
            f"{base}/accounts/{account_id}/future_requirements",
            json={"transition_in_seconds": value * 86400},
        )
    else:
        response = await client.post(f"{base}/clock/advance", json={"seconds": value * 86400})
    assert response.status_code == 200, response.text


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=steps, data=st.data())
async def test_any_interleaving_of_deliveries_converges_to_stripe(
    bff: Any,
    emulator: EmulatorHandle,
    unique_email: Any,
    program: list[Any],
    data: st.DataObject,
) -> None:
    async with make_client(bff) as merchant, httpx.AsyncClient(timeout=10) as control:
        await signup(merchant, unique_email())
        created = await post(merchant, "/api/account", {"country": "US"})
        assert created.status_code == 201, created.text
        account_id = created.json()["id"]
        delivered: set[str] = set()

        async def send(event_ids: list[str]) -> None:
            bodies = [notification(account_id, event_id=e) for e in event_ids]
            responses = await asyncio.gather(*(deliver(merchant, b) for b in bodies))
            assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
            delivered.update(event_ids)

        for action, arg in program:
            if action == "mutate":
                await _mutate(control, emulator, account_id, arg)
                continue
            known = await account_event_ids(emulator, account_id)
            picks = data.draw(st.lists(st.sampled_from(known), min_size=arg, max_size=arg))
            await send(picks)
        # Every event at least once, in a random order and split into random batches.
        known = await account_event_ids(emulator, account_id)
        rest = data.draw(st.permutations([e for e in known if e not in delivered]))
        while rest:
            size = data.draw(st.integers(min_value=1, max_value=len(rest)))
            await send(list(rest[:size]))
            rest = rest[size:]

        await inbox_settled(bff.state.services.db)
        assert await cached_state(bff.state.services.db, account_id) == await emulator_state(
            emulator, account_id
        )
