"""``GET /api/onboarding/status`` answers from the cache: it never calls Stripe."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx
import pytest

from tests.support.emulator_server import EmulatorHandle


async def test_reading_the_status_makes_no_call_to_stripe(
    bff: Any,
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
        raise AssertionError("the status read called Stripe")

    gateway = bff.state.services.stripe
    for name in ("retrieve_account", "retrieve_event", "list_events", "create_account"):
        monkeypatch.setattr(gateway, name, refuse)
    calls_before = len(emulator.checked)

    first = await onboarded_merchant.get("/api/onboarding/status")
    assert first.status_code == 200, first.text
    again = await onboarded_merchant.get(
        "/api/onboarding/status", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    for _ in range(3):
        assert (await onboarded_merchant.get("/api/onboarding/status")).status_code == 200

    assert len(emulator.checked) == calls_before, emulator.checked[calls_before:]
