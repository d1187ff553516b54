"""Scenario controls under /_emulator/, each shown through the v2 API and its events."""

from __future__ import annotations

import time

import httpx
import pytest
import stripe

from tests.emulator.conftest import (
    MERCHANT_ACCOUNT,
    control,
    create_account,
    descriptions,
    event_types,
    get_account,
)
from tests.support.emulator_server import EmulatorHandle, WebhookReceiver

DAY = 24 * 3600


def test_advancing_the_clock_makes_requirements_past_due(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    # Past the fresh shape (information was submitted, but not all of it): currently_due
    control(emulator, f"/accounts/{account['id']}/submit", {"provide": False})
    account = get_account(api, account["id"])
    deadline = account["requirements"]["summary"]["minimum_deadline"]
    assert deadline["status"] == "currently_due"
    assert account["configuration"]["merchant"]["capabilities"]["card_payments"]["status"] == (
        "pending"
    )
    before = event_types(api, account["id"])
    response = control(emulator, "/clock/advance", {"seconds": 15 * DAY})
    assert response.status_code == 200
    assert response.json()["offset_seconds"] >= 15 * DAY
    after = get_account(api, account["id"])
    assert after["requirements"]["summary"]["minimum_deadline"]["status"] == "past_due"
    statuses = {
        e["description"]: e["minimum_deadline"]["status"] for e in after["requirements"]["entries"]
    }
    assert statuses["identity.business_details.registered_name"] == "past_due"
    assert statuses["identity.business_details.annual_revenue"] == "eventually_due"
    card = after["configuration"]["merchant"]["capabilities"]["card_payments"]
    assert card == {
        "status": "restricted",
        "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
    }
    new = event_types(api, account["id"])[len(before) :]
    assert "v2.core.account[requirements].updated" in new
    assert "v2.core.account[configuration.merchant].capability_status_updated" in new
    assert control(emulator, "/clock/advance", {"seconds": -1}).status_code == 400


def test_future_requirements_appear_and_later_become_current(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    response = control(
        emulator,
        f"/accounts/{account_id}/future_requirements",
        {"transition_in_seconds": 10 * DAY},
    )
    assert response.status_code == 200, response.text
    account = get_account(api, account_id)
    future = account["future_requirements"]
    assert descriptions(account, "future_requirements") == {
        "identity.business_details.registration_date"
    }
    assert future["entries"][0]["requested_reasons"] == [{"code": "routine_verification"}]
    assert future["minimum_transition_date"] is not None
    assert "v2.core.account[future_requirements].updated" in event_types(api, account_id)
    control(emulator, "/clock/advance", {"seconds": 10 * DAY + 1})
    moved = get_account(api, account_id)
    assert moved["future_requirements"]["entries"] == []
    assert "identity.business_details.registration_date" in descriptions(moved)
    bad = control(
        emulator,
        f"/accounts/{account_id}/future_requirements",
        {"descriptions": ["made.up"]},
    )
    assert bad.status_code == 400


def test_verification_error_reopens_an_entry(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api)["id"]
    response = control(
        emulator,
        f"/accounts/{account_id}/verification_error",
        {
            "code": "verification_failed_id_number_match",
            "description": "ID number mismatch",
        },
    )
    assert response.status_code == 200, response.text
    entry = next(
        e
        for e in get_account(api, account_id)["requirements"]["entries"]
        if e["description"] == "representative.id_numbers"
    )
    assert entry["errors"] == [
        {
            "code": "verification_failed_id_number_match",
            "description": "ID number mismatch",
        }
    ]
    assert entry["awaiting_action_from"] == "user"
    assert event_types(api, account_id)[-1] == "v2.core.account[requirements].updated"
    assert (
        control(
            emulator,
            f"/accounts/{account_id}/verification_error",
            {"code": "not_a_code"},
        ).status_code
        == 400
    )
    state = httpx.get(f"{emulator.base_url}/_emulator/accounts/{account_id}").json()
    assert "representative.id_numbers" in state["internal"]["errors"]


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, stripe.RateLimitError), (500, stripe.APIError), (503, stripe.APIError)],
)
async def test_faults_return_errors_for_the_next_requests(
    emulator: EmulatorHandle,
    sdk: stripe.StripeClient,
    status: int,
    error: type[Exception],
) -> None:
    assert control(emulator, "/faults", {"count": 2, "status": status}).status_code == 200
    for _ in range(2):
        with pytest.raises(error) as raised:
            await sdk.v2.core.events.list_async()
        assert raised.value.http_status == status  # type: ignore[attr-defined]
    listed = await sdk.v2.core.events.list_async()
    assert listed.data == []


async def test_sdk_retries_through_a_fault(emulator: EmulatorHandle) -> None:
    client = stripe.StripeClient(
        emulator.api_key,
        http_client=stripe.HTTPXClient(),
        base_addresses={"api": emulator.base_url},
        max_network_retries=2,
    )
    control(emulator, "/faults", {"count": 1, "status": 503})
    account = await client.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    assert account.id.startswith("acct_")


def test_dropped_connections_and_latency(emulator: EmulatorHandle, api: httpx.Client) -> None:
    control(emulator, "/faults", {"count": 1, "drop": True, "paths": ["/v2/core/accounts"]})
    assert api.get("/v2/core/events").status_code == 200  # other paths are unaffected
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.get("/v2/core/accounts")
    assert api.get("/v2/core/accounts").status_code == 200
    control(emulator, "/faults", {"count": 1, "latency_ms": 300})
    started = time.monotonic()
    assert api.get("/v2/core/events").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert control(emulator, "/faults", {"count": 1, "status": 404}).status_code == 400


def test_deliveries_are_retried_with_backoff(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    receiver.statuses.extend([500, 503])
    account_id = create_account(api)["id"]
    receiver.wait_for(1)
    deliveries = httpx.get(f"{emulator.base_url}/_emulator/deliveries").json()["data"]
    created = next(d for d in deliveries if d["event_type"] == "v2.core.account.created")
    assert created["state"] == "succeeded"
    assert [a["status"] for a in created["attempts"]] == [500, 503, 200]
    assert receiver.received[0].json()["related_object"]["id"] == account_id


def test_deliveries_time_out_and_retry(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    receiver.delays.append(emulator.config.delivery_timeout + 0.5)
    create_account(api)
    # the retry lands first; the stalled first attempt is still processed by the receiver
    # afterwards, a duplicate that receivers must tolerate (as with Stripe)
    delivered = receiver.wait_for(2, timeout=15)
    assert delivered[0].json()["id"] == delivered[1].json()["id"]
    deliveries = httpx.get(f"{emulator.base_url}/_emulator/deliveries").json()["data"]
    assert deliveries[0]["attempts"][0]["error"] == "timeout"
    assert deliveries[0]["state"] == "succeeded"


def test_chaos_duplicates_deliveries(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    assert control(emulator, "/chaos", {"duplicate": True}).json() == {
        "duplicate": True,
        "reorder": False,
    }
    create_account(api)
    delivered = receiver.wait_for(2)
    assert delivered[0].json()["id"] == delivered[1].json()["id"]
    deliveries = httpx.get(f"{emulator.base_url}/_emulator/deliveries").json()["data"]
    assert [d["duplicate"] for d in deliveries] == [False, True]
    assert control(emulator, "/chaos", {"sometimes": True}).status_code == 400


def test_reset_clears_state(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api)["id"]
    control(emulator, "/clock/advance", {"seconds": 60})
    assert control(emulator, "/reset").status_code == 200
    assert api.get(f"/v2/core/accounts/{account_id}").status_code == 404
    clock = httpx.get(f"{emulator.base_url}/_emulator/clock").json()
    assert clock["offset_seconds"] == 0
    # the destination configured with --webhook-url survives a reset
    destinations = api.get(
        "/v2/core/event_destinations", params={"include[0]": "webhook_endpoint.url"}
    ).json()["data"]
    assert [d["webhook_endpoint"]["url"] for d in destinations] == [emulator.config.webhook_url]
