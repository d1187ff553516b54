"""Every path that calls Stripe is bounded: per merchant in count, per request in time.

A hung Stripe (the emulator holding each answer for 30 s) must cost the merchant the
configured deadline, not the SDK's timeout times its retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BffFactory

DEADLINE = 1.5
HUNG = {"latency_ms": 30_000}


def _fault(emulator: EmulatorHandle, **fault: Any) -> None:
    httpx.post(f"{emulator.base_url}/_emulator/faults", json=fault).raise_for_status()


def _clear_faults(emulator: EmulatorHandle) -> None:
    httpx.delete(f"{emulator.base_url}/_emulator/faults").raise_for_status()


def _retrieves(emulator: EmulatorHandle) -> int:
    return sum(
        1
        for method, path, _ in emulator.checked
        if method == "GET" and path.startswith("/v2/core/accounts/")
    )


@pytest.fixture
async def slow_stripe_bff(make_bff: BffFactory) -> Any:
    # The SDK alone would wait 10 s x 3 tries; the deadline cuts that to 1.5 s.
    return await make_bff(
        stripe_timeout_seconds=10, stripe_max_network_retries=2, stripe_deadline_seconds=DEADLINE
    )


@pytest.mark.parametrize(
    ("method", "path", "fault_path"),
    [
        ("POST", "/api/account", "/v2/core/accounts"),
        ("POST", "/api/onboarding/links", "/v2/core/account_links"),
        ("POST", "/api/onboarding/sync", "/v2/core/accounts"),
    ],
)
async def test_a_hung_stripe_answers_within_the_deadline(
    slow_stripe_bff: Any,
    emulator: EmulatorHandle,
    unique_email: Callable[[], str],
    method: str,
    path: str,
    fault_path: str,
) -> None:
    async with make_client(slow_stripe_bff, timeout=30) as merchant:
        await signup(merchant, unique_email())
        if path != "/api/account":
            assert (await post(merchant, "/api/account", {"country": "US"})).status_code == 201
        _fault(emulator, count=10, paths=[fault_path], **HUNG)
        started = time.monotonic()
        response = await post(merchant, path, {"country": "US"} if path == "/api/account" else {})
        elapsed = time.monotonic() - started
        _clear_faults(emulator)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert elapsed < DEADLINE + 2.0, elapsed


async def test_a_return_during_a_hung_stripe_still_answers_quickly(
    slow_stripe_bff: Any, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    async with make_client(slow_stripe_bff, timeout=30) as merchant:
        await signup(merchant, unique_email())
        assert (await post(merchant, "/api/account", {"country": "US"})).status_code == 201
        _fault(emulator, count=10, paths=["/v2/core/accounts"], **HUNG)
        started = time.monotonic()
        response = await merchant.get("/connect/return")
        elapsed = time.monotonic() - started
        _clear_faults(emulator)
    assert response.status_code == 303
    assert response.headers["location"] == "/onboarding"
    assert elapsed < DEADLINE + 2.0, elapsed


async def test_a_hundred_returns_read_stripe_once(
    onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    before = _retrieves(emulator)
    for _ in range(100):
        response = await onboarded_merchant.get("/connect/return")
        assert response.status_code == 303
    assert _retrieves(emulator) - before == 1
