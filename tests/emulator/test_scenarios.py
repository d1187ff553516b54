"""Account scenario controls: capability statuses for every status_details code, closing an
account, future requirements with dates. Read back through the SDK; every exchange and every
event is validated against the extract by the emulator fixture."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import stripe

from stripe_emulator.clock import parse_rfc3339, rfc3339
from stripe_emulator.request_schemas import ENUMS
from tests.emulator.conftest import (
    ALL_INCLUDES,
    MERCHANT_ACCOUNT,
    WEBHOOK_SECRET,
    control,
    create_account,
    create_link,
    descriptions,
    event_types,
    get_account,
)
from tests.support.contract import load_contract, validate_thin_notification
from tests.support.emulator_server import Delivery, EmulatorHandle, WebhookReceiver

DAY = 24 * 3600
CAPABILITY_EVENT = "v2.core.account[configuration.merchant].capability_status_updated"


def _contract_enum(*path: str) -> list[str]:
    node: Any = load_contract()["components"]["schemas"]["v2.core.account"]
    for key in path:
        node = node["items"] if key == "[]" else node["properties"][key]
    values: list[str] = node["enum"]
    return values


def test_the_codes_are_the_contract_and_sdk_enums() -> None:
    from typing import get_args

    from stripe.v2.core._account import Account

    card = ("configuration", "merchant", "capabilities", "card_payments")
    sdk_detail = Account.Configuration.Merchant.Capabilities.CardPayments.StatusDetail
    sdk_codes = set(get_args(sdk_detail.__annotations__["code"]))
    sdk_resolutions = set(get_args(sdk_detail.__annotations__["resolution"]))
    assert set(ENUMS["capability_status_code"]) == sdk_codes
    assert ENUMS["capability_status_code"] == _contract_enum(*card, "status_details", "[]", "code")
    assert (
        set(ENUMS["capability_resolution"])
        == sdk_resolutions
        == {
            "contact_stripe",
            "no_resolution",
            "provide_info",
        }
    )


def _expected(code: str) -> tuple[str, str]:
    if code.startswith("rejected_"):
        return "rejected", "no_resolution"
    if code.startswith("unsupported_"):
        return "unsupported", "no_resolution"
    return {
        "determining_status": ("pending", "no_resolution"),
        "requirements_pending_verification": ("pending", "no_resolution"),
        "requirements_past_due": ("restricted", "provide_info"),
        "restricted_other": ("restricted", "contact_stripe"),
    }[code]


@pytest.mark.parametrize("code", ENUMS["capability_status_code"])
async def test_every_status_details_code(
    emulator: EmulatorHandle, sdk: stripe.StripeClient, api: httpx.Client, code: str
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    # past the fresh shape, with nothing provided: pending / determining_status / provide_info
    control(emulator, f"/accounts/{account.id}/submit", {"provide": False})
    before = len(event_types(api, account.id))
    response = control(emulator, f"/accounts/{account.id}/capability_status", {"code": code})
    assert response.status_code == 200, response.text
    fetched = await sdk.v2.core.accounts.retrieve_async(
        account.id,
        {"include": ["configuration.merchant"]},  # type: ignore[typeddict-item]
    )
    assert fetched.configuration is not None
    caps = fetched.configuration.merchant.capabilities  # type: ignore[union-attr]
    assert caps is not None
    status, resolution = _expected(code)
    for capability in (caps.card_payments, caps.stripe_balance.payouts):  # type: ignore[union-attr]
        assert capability is not None
        assert capability.status == status
        assert [(d.code, d.resolution) for d in capability.status_details] == [(code, resolution)]
    new = event_types(api, account.id)[before:]
    assert new.count(CAPABILITY_EVENT) == 2
    events = await sdk.v2.core.events.list_async(
        {"object_id": account.id, "types": [CAPABILITY_EVENT]}  # type: ignore[typeddict-item]
    )
    updated = {e.data.updated_capability for e in events.data[:2]}  # type: ignore[attr-defined]
    assert updated == {"card_payments", "stripe_balance.payouts"}


def test_status_overrides_can_be_narrowed_and_cleared(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    path = f"/accounts/{account_id}/capability_status"
    response = control(
        emulator,
        path,
        {
            "code": "restricted_other",
            "resolution": "provide_info",
            "capabilities": ["card_payments"],
        },
    )
    assert response.status_code == 200, response.text
    caps = get_account(api, account_id)["configuration"]["merchant"]["capabilities"]
    assert caps["card_payments"] == {
        "status": "restricted",
        "status_details": [{"code": "restricted_other", "resolution": "provide_info"}],
    }
    assert caps["stripe_balance"]["payouts"]["status_details"][0]["code"] == (
        "requirements_past_due"
    )
    assert control(emulator, path, {"status": "active"}).status_code == 200
    caps = get_account(api, account_id)["configuration"]["merchant"]["capabilities"]
    assert caps["card_payments"] == {"status": "active", "status_details": []}
    cleared = httpx.delete(f"{emulator.base_url}/_emulator{path}")
    assert cleared.status_code == 200
    caps = get_account(api, account_id)["configuration"]["merchant"]["capabilities"]
    assert caps["card_payments"]["status_details"][0]["code"] == "requirements_past_due"
    for bad in (
        {"code": "not_a_code"},
        {"status": "rejected"},
        {"code": "rejected_fraud", "resolution": "pray"},
        {"code": "rejected_fraud", "status": "active"},
        {"code": "rejected_fraud", "capabilities": ["cards"]},
        {"code": "rejected_fraud", "configuration": "recipient"},
    ):
        assert control(emulator, path, bad).status_code == 400, bad


async def test_closing_an_account(
    emulator: EmulatorHandle, sdk: stripe.StripeClient, api: httpx.Client
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    response = control(emulator, f"/accounts/{account.id}/close")
    assert response.status_code == 200, response.text
    assert response.json()["account"]["closed"] is True
    fetched = await sdk.v2.core.accounts.retrieve_async(account.id)
    assert fetched.closed is True
    closed_events = await sdk.v2.core.events.list_async(
        {"object_id": account.id, "types": ["v2.core.account.closed"]}  # type: ignore[typeddict-item]
    )
    assert len(closed_events.data) == 1
    event = await sdk.v2.core.events.retrieve_async(closed_events.data[0].id)
    changes = event.changes  # type: ignore[attr-defined]
    assert (changes["before"]["closed"], changes["after"]["closed"]) == (False, True)
    assert "v2.core.account.updated" not in event_types(api, account.id)
    # a closed account cannot be updated or onboarded, and is listed only when asked for
    with pytest.raises(stripe.InvalidRequestError) as update:
        await sdk.v2.core.accounts.update_async(account.id, {"display_name": "x"})
    assert update.value.code == "account_closed"
    link = post_onboarding_link(api, account.id)
    assert link.status_code == 400
    assert link.json()["error"]["code"] == "account_closed"
    assert [a.id for a in (await sdk.v2.core.accounts.list_async()).data] == []
    closed = await sdk.v2.core.accounts.list_async({"closed": True})  # type: ignore[typeddict-unknown-key]
    assert [a.id for a in closed.data] == [account.id]
    # closing again changes nothing
    assert control(emulator, f"/accounts/{account.id}/close").status_code == 200
    assert event_types(api, account.id).count("v2.core.account.closed") == 1


def post_onboarding_link(api: httpx.Client, account_id: str) -> httpx.Response:
    options = {"refresh_url": "https://p.example/r"}
    use_case = {"type": "account_onboarding", "account_onboarding": options}
    return api.post("/v2/core/account_links", json={"account": account_id, "use_case": use_case})


def emulated_now(emulator: EmulatorHandle) -> float:
    return parse_rfc3339(httpx.get(f"{emulator.base_url}/_emulator/clock").json()["now"])


async def test_the_sdk_closes_accounts(
    sdk: stripe.StripeClient, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    with pytest.raises(stripe.InvalidRequestError) as partial:
        await sdk.v2.core.accounts.close_async(account.id, {"applied_configurations": ["customer"]})
    assert partial.value.code == "parameter_invalid"
    closed = await sdk.v2.core.accounts.close_async(
        account.id, {"applied_configurations": ["merchant"]}
    )
    assert closed.closed is True
    assert "v2.core.account.closed" in event_types(api, account.id)
    # delivered as a signed thin notification
    delivered = wait_for_type(receiver, "v2.core.account.closed")
    validate_thin_notification(delivered.json())
    notification = sdk.parse_event_notification(
        delivered.body, delivered.headers["stripe-signature"], WEBHOOK_SECRET
    )
    assert notification.related_object.id == account.id  # type: ignore[attr-defined]


def wait_for_type(receiver: WebhookReceiver, type_: str) -> Delivery:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for delivery in list(receiver.received):
            if delivery.json()["type"] == type_:
                return delivery
        time.sleep(0.02)
    raise AssertionError(f"no {type_} delivered")


async def test_future_requirements_carry_dates(
    emulator: EmulatorHandle, sdk: stripe.StripeClient, api: httpx.Client
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    now = emulated_now(emulator)
    transition = datetime.fromtimestamp(now, tz=UTC) + timedelta(days=20)
    deadline = transition + timedelta(days=10)
    response = control(
        emulator,
        f"/accounts/{account.id}/future_requirements",
        {
            "transition_at": rfc3339(transition.timestamp()),
            "deadline_at": rfc3339(deadline.timestamp()),
        },
    )
    assert response.status_code == 200, response.text
    fetched = await sdk.v2.core.accounts.retrieve_async(
        account.id,
        {"include": ALL_INCLUDES},  # type: ignore[typeddict-item]
    )
    future = fetched.future_requirements
    assert future is not None
    assert future.minimum_transition_date == rfc3339(transition.timestamp())
    assert future.summary is not None
    assert future.summary.minimum_deadline is not None
    assert future.summary.minimum_deadline.status == "currently_due"
    assert future.summary.minimum_deadline.time == rfc3339(deadline.timestamp())
    assert [e.description for e in future.entries or []] == [
        "identity.business_details.registration_date"
    ]
    assert "v2.core.account[future_requirements].updated" in event_types(api, account.id)
    # after the transition it is a requirement, due at the deadline
    control(emulator, "/clock/advance", {"seconds": 21 * DAY})
    moved = get_account(api, account.id)
    entry = next(
        e
        for e in moved["requirements"]["entries"]
        if e["description"] == "identity.business_details.registration_date"
    )
    assert entry["requested_reasons"] == [{"code": "routine_verification"}]
    assert moved["future_requirements"]["entries"] == []


def test_future_requirements_relative_dates_and_status(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    path = f"/accounts/{account_id}/future_requirements"
    response = control(
        emulator,
        path,
        {"transition_in_seconds": DAY, "deadline_in_seconds": 3 * DAY, "status": "eventually_due"},
    )
    assert response.status_code == 200, response.text
    future = get_account(api, account_id)["future_requirements"]
    assert future["entries"][0]["minimum_deadline"] == {"status": "eventually_due"}
    assert future["summary"]["minimum_deadline"] == {"status": "eventually_due", "time": None}
    for bad in (
        {"transition_in_seconds": 5 * DAY, "deadline_in_seconds": DAY},
        {"transition_at": "tomorrow"},
        {"status": "past_due"},
        {"descriptions": ["identity.individual.nationalities"]},
    ):
        assert control(emulator, path, bad).status_code == 400, bad


def test_verification_errors_on_other_catalogues(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    gb = create_account(
        api,
        {
            "identity": {"country": "gb", "entity_type": "company"},
            "configuration": MERCHANT_ACCOUNT["configuration"],
        },
    )["id"]
    response = control(emulator, f"/accounts/{gb}/verification_error")
    assert response.status_code == 200, response.text
    entry = next(
        e
        for e in get_account(api, gb)["requirements"]["entries"]
        if e["description"] == "identity.business_details.id_numbers"
    )
    assert entry["errors"][0]["code"] == "verification_failed_tax_id_match"
    response = control(
        emulator,
        f"/accounts/{gb}/verification_error",
        {
            "requirement": "identity.business_details.address.line1",
            "code": "invalid_street_address",
        },
    )
    assert response.status_code == 200, response.text
    assert "identity.business_details.address.line1" in descriptions(get_account(api, gb))
    assert create_link(api, gb)["url"]
