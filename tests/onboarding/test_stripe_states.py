"""Stripe's real account shapes, end to end: the emulator reports them over real HTTP, webhooks
or a sync bring them in, and the status, the links and the refresh redirect follow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.polling import eventually
from tests.support.settings import BffFactory


async def _account_id(client: httpx.AsyncClient) -> str:
    account: dict[str, Any] = (await client.get("/api/account")).json()
    return str(account["id"])


async def _control(emulator: EmulatorHandle, path: str, body: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
        response = await control.post(path, json=body)
    assert response.status_code == 200, response.text


async def _synced_status(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await post(client, "/api/onboarding/sync", {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_fresh_account_is_not_started_and_collects_the_platform_default(
    onboarded_merchant: httpx.AsyncClient,
) -> None:
    status = (await onboarded_merchant.get("/api/onboarding/status")).json()
    assert status["state"] == "not_started"
    assert status["requirements"]["past_due"] == []
    assert status["requirements"]["currently_due"]
    assert status["deadline"] is None
    assert status["next_action"]["kind"] == "start"
    assert status["next_action"]["collect"] == "eventually_due"


@pytest.mark.parametrize(
    ("path", "body", "state", "reason"),
    [
        ("capability_status", {"code": "rejected_fraud"}, "rejected", "rejected_fraud"),
        ("capability_status", {"code": "unsupported_business"}, "rejected", "unsupported_business"),
        ("capability_status", {"code": "restricted_other"}, "restricted", "restricted_other"),
        ("close", {}, "closed", None),
    ],
)
async def test_no_link_is_offered_or_minted_when_none_can_help(
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    path: str,
    body: dict[str, Any],
    state: str,
    reason: str | None,
) -> None:
    account_id = await _account_id(onboarded_merchant)
    await _control(emulator, f"/_emulator/accounts/{account_id}/{path}", body)
    status = await _synced_status(onboarded_merchant)
    assert status["state"] == state
    assert (status["reason"] or {}).get("code") == reason
    assert status["next_action"] is None
    assert status["support"] is not None
    minted = await post(onboarded_merchant, "/api/onboarding/links", {})
    assert minted.status_code == 409
    assert minted.headers["content-type"].startswith("application/problem+json")
    assert minted.json()["detail"]
    # A stale Stripe link leading back to refresh mints nothing either.
    refresh = await onboarded_merchant.get("/connect/refresh")
    assert refresh.status_code == 303
    assert refresh.headers["location"].startswith("/onboarding?notice=")


async def test_refresh_mints_nothing_once_nothing_is_left_to_do(
    make_bff: BffFactory, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    """The Back-button trap: a used link goes to refresh, which must not open a fresh form."""
    bff = await make_bff(manual_sync_interval=timedelta(0))
    async with make_client(bff) as merchant:
        await signup(merchant, unique_email())
        assert (await post(merchant, "/api/account", {"country": "US"})).status_code == 201
        account_id = await _account_id(merchant)
        await _control(
            emulator, f"/_emulator/accounts/{account_id}/submit", {"fields": "eventually_due"}
        )
        await merchant.get("/connect/return")

        async def status() -> dict[str, Any]:
            body: dict[str, Any] = (await merchant.get("/api/onboarding/status")).json()
            if body["state"] != "complete":
                await merchant.get("/connect/return")  # re-reads Stripe, like a retry
            return body

        await eventually(status, lambda s: s["state"] == "complete", what="complete")
        refresh = await merchant.get("/connect/refresh")
        assert refresh.status_code == 303
        assert refresh.headers["location"] == "/onboarding?notice=nothing-to-do"


async def test_refresh_still_mints_while_something_is_due(
    onboarded_merchant: httpx.AsyncClient,
) -> None:
    await post(onboarded_merchant, "/api/onboarding/links", {})
    refresh = await onboarded_merchant.get("/connect/refresh")
    assert refresh.status_code == 303
    assert refresh.headers["location"].startswith("http")
