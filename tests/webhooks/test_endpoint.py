"""``POST /webhooks/stripe``: signature checks, the inbox write, dedup and CSRF exemption."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from tests.support.api import make_client
from tests.support.emulator_server import EmulatorHandle
from tests.support.polling import eventually
from tests.support.settings import BffFactory
from tests.support.webhooks import (
    FAST_INBOX,
    OTHER_SECRET,
    SECRET,
    WEBHOOK_PATH,
    account_row,
    deliver,
    inbox,
    inbox_settled,
    notification,
    sign,
    signed_request,
)

INVALID_SIGNATURE = "https://gangway.dev/problems/invalid-signature"


def _tamper(payload: bytes) -> bytes:
    """Flip one byte inside the event id."""
    index = payload.index(b"evt_test_") + 12
    flipped = b"0" if payload[index : index + 1] != b"0" else b"1"
    return payload[:index] + flipped + payload[index + 1 :]


def _bad_requests() -> dict[str, tuple[bytes, dict[str, str]]]:
    body = notification()
    payload = json.dumps(body, separators=(",", ":"))
    good = sign(payload)
    now = int(time.time())
    json_headers = {"Content-Type": "application/json"}
    return {
        "missing": (payload.encode(), json_headers),
        "malformed": (payload.encode(), {**json_headers, "Stripe-Signature": "t=abc,v1=zz"}),
        "no-timestamp": (payload.encode(), {**json_headers, "Stripe-Signature": "v1=" + "0" * 64}),
        "wrong-secret": signed_request(body, "whsec_someone_else"),
        "tampered": (_tamper(payload.encode()), {**json_headers, "Stripe-Signature": good}),
        "six-minutes-old": signed_request(body, timestamp=now - 360),
        "six-minutes-ahead": signed_request(body, timestamp=now + 360),
        "not-json": (
            b"not json",
            {**json_headers, "Stripe-Signature": sign("not json")},
        ),
        "json-array": (b"[]", {**json_headers, "Stripe-Signature": sign("[]")}),
        "no-id": (
            b'{"object":"v2.core.event"}',
            {**json_headers, "Stripe-Signature": sign('{"object":"v2.core.event"}')},
        ),
    }


@pytest.mark.parametrize("case", list(_bad_requests()))
async def test_bad_notifications_are_refused_and_nothing_is_stored(bff: Any, case: str) -> None:
    content, headers = _bad_requests()[case]
    async with make_client(bff) as client:
        response = await client.post(WEBHOOK_PATH, content=content, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == INVALID_SIGNATURE
    assert await inbox(bff.state.services.db) == []


async def test_the_endpoint_needs_no_session_csrf_token_or_origin(bff: Any) -> None:
    """Exempt from CSRF: a bare cross-site POST gets a signature answer, never a 403."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bff), base_url="http://127.0.0.1:8000"
    ) as bare:
        refused = await bare.post(
            WEBHOOK_PATH,
            content=b"{}",
            headers={"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
        )
        assert refused.status_code == 400
        assert refused.json()["type"] == INVALID_SIGNATURE
        accepted = await deliver(bare, notification(), SECRET)
        assert accepted.status_code == 200, accepted.text


async def test_rolled_secrets_both_verify(make_bff: BffFactory, emulator: EmulatorHandle) -> None:
    app = await make_bff(stripe_webhook_secrets=[OTHER_SECRET, SECRET])
    async with make_client(app) as client:
        first = await deliver(client, notification(), SECRET)
        second = await deliver(client, notification(), OTHER_SECRET)
        third = await deliver(client, notification(), "whsec_retired")
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 400)
    assert len(await inbox(app.state.services.db)) == 2


async def test_an_event_is_recorded_once_and_answered_200_every_time(bff: Any) -> None:
    body = notification()
    async with make_client(bff) as client:
        first = await deliver(client, body)
        again = await deliver(client, body)
    assert first.status_code == again.status_code == 200
    assert first.json() == {"received": True, "duplicate": False}
    assert again.json() == {"received": True, "duplicate": True}
    rows = await inbox(bff.state.services.db)
    assert [r.event_id for r in rows] == [body["id"]]


async def test_unknown_types_and_unknown_accounts_are_acknowledged_not_retried(bff: Any) -> None:
    unknown_type = notification(event_type="v2.billing.meter.error_report_triggered")
    unknown_account = notification("acct_not_ours")
    async with make_client(bff) as client:
        assert (await deliver(client, unknown_type)).status_code == 200
        assert (await deliver(client, unknown_account)).status_code == 200
    rows = {r.event_id: r for r in await inbox_settled(bff.state.services.db)}
    assert rows[unknown_type["id"]].status == "ignored"
    assert rows[unknown_type["id"]].attempts == 0
    assert rows[unknown_account["id"]].status == "ignored"
    assert rows[unknown_account["id"]].attempts == 1


async def test_twenty_concurrent_deliveries_make_one_row_and_one_status_change(
    bff: Any, onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle, browser: Any
) -> None:
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    before = (await onboarded_merchant.get("/api/onboarding/status")).json()["version"]
    changed = await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
    )
    assert changed.status_code == 200, changed.text
    body = notification(account_id)
    async with make_client(bff) as client:
        responses = await asyncio.gather(*(deliver(client, body) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert sum(not r.json()["duplicate"] for r in responses) == 1
    rows = await inbox_settled(bff.state.services.db)
    assert [(r.event_id, r.status, r.attempts, r.completions) for r in rows] == [
        (body["id"], "done", 1, 1)
    ]
    row = await account_row(bff.state.services.db, account_id)
    assert row.status_version == before + 1
    status = (await onboarded_merchant.get("/api/onboarding/status")).json()
    assert status["version"] == before + 1


async def test_a_failing_event_retries_then_dead_letters_and_replays(
    make_bff: BffFactory,
    emulator: EmulatorHandle,
    browser: Any,
    unique_email: Any,
) -> None:
    from tests.support.api import post, signup

    app = await make_bff(inbox_max_attempts=3)
    async with make_client(app) as merchant:
        await signup(merchant, unique_email())
        created = await post(merchant, "/api/account", {"country": "US"})
        account_id = created.json()["id"]
        fault = await browser.post(
            f"{emulator.base_url}/_emulator/faults",
            json={"status": 500, "count": 3, "paths": [f"/v2/core/accounts/{account_id}"]},
        )
        assert fault.status_code == 200, fault.text
        body = notification(account_id)
        assert (await deliver(merchant, body)).status_code == 200
        rows = await eventually(
            lambda: inbox(app.state.services.db),
            lambda rows: bool(rows) and rows[0].status == "dead",
            what="the event to be dead-lettered",
        )
        assert rows[0].attempts == 3
        assert rows[0].last_error is not None
        assert "StripeUnavailable" in rows[0].last_error
        replayed = await app.state.services.webhooks.replay_dead()
        assert replayed == 1
        rows = await inbox_settled(app.state.services.db)
        assert [(r.status, r.completions) for r in rows] == [("done", 1)]


def test_fast_inbox_settings_keep_the_sweep_off() -> None:
    assert FAST_INBOX["reconcile_interval_seconds"] == 0
