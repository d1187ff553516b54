"""A new account reports what Stripe reports until information is submitted (NOTES: "A
brand-new account looks overdue"), then moves on: Stripe verifying, then active."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

from tests.emulator.conftest import (
    ALL_INCLUDES,
    MERCHANT_ACCOUNT,
    control,
    create_account,
    create_link,
    event_types,
    get_account,
    open_form,
    submit_form,
)
from tests.support.emulator_server import EmulatorHandle

CARD_PAYMENTS = {"merchant": {"capabilities": {"card_payments": {"requested": True}}}}
AU_INDIVIDUAL: dict[str, Any] = {
    "identity": {"country": "au", "entity_type": "individual"},
    "configuration": CARD_PAYMENTS,
}
#: The 13 entries a recorded fresh AU individual account listed (NOTES).
AU_INDIVIDUAL_ENTRIES = {
    "external_account",
    "identity.attestations.terms_of_service.account.date",
    "identity.attestations.terms_of_service.account.ip",
    "identity.individual.address.city",
    "identity.individual.address.line1",
    "identity.individual.address.postal_code",
    "identity.individual.address.state",
    "identity.individual.date_of_birth.day",
    "identity.individual.date_of_birth.month",
    "identity.individual.date_of_birth.year",
    "identity.individual.given_name",
    "identity.individual.surname",
    "defaults.profile.business_url",
}
PAST_DUE = [{"code": "requirements_past_due", "resolution": "provide_info"}]


def _details(capability: Any) -> list[dict[str, str]]:
    return [{"code": d.code, "resolution": d.resolution} for d in capability.status_details]


async def test_a_fresh_account_looks_overdue(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(
        {**AU_INDIVIDUAL, "include": ALL_INCLUDES}  # type: ignore[typeddict-item]
    )
    requirements = account.requirements
    assert requirements is not None
    assert requirements.entries is not None
    assert {e.description for e in requirements.entries} == AU_INDIVIDUAL_ENTRIES
    for entry in requirements.entries:
        assert entry.minimum_deadline.status == "past_due"
        assert entry.awaiting_action_from == "user"
        assert entry.errors == []
        impacts = entry.impact.restricts_capabilities or []
        assert impacts
        assert {i.deadline.status for i in impacts} == {"past_due"}
    assert requirements.summary is not None
    deadline = requirements.summary.minimum_deadline
    assert deadline is not None
    assert (deadline.status, deadline.time) == ("past_due", None)
    assert account.configuration is not None
    merchant = account.configuration.merchant
    assert merchant is not None
    assert merchant.capabilities is not None
    card = merchant.capabilities.card_payments
    assert card is not None
    assert card.status == "restricted"
    assert _details(card) == PAST_DUE
    assert merchant.capabilities.stripe_balance is not None
    payouts = merchant.capabilities.stripe_balance.payouts
    assert payouts is not None
    assert (payouts.status, _details(payouts)) == ("restricted", PAST_DUE)
    assert account.defaults is not None
    assert account.defaults.currency == "aud"


async def test_eventually_due_entries_keep_their_status(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(
        {**MERCHANT_ACCOUNT, "include": ["requirements"]}  # type: ignore[typeddict-item]
    )
    assert account.requirements is not None
    statuses = {
        e.description: e.minimum_deadline.status for e in account.requirements.entries or []
    }
    assert statuses.pop("identity.business_details.annual_revenue") == "eventually_due"
    assert statuses.pop("identity.business_details.estimated_worker_count") == "eventually_due"
    assert set(statuses.values()) == {"past_due"}


def test_the_hosted_form_ends_the_fresh_shape(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api, AU_INDIVIDUAL)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert {
        "identity.individual.date_of_birth",
        "identity.individual.address.state",
        "bank_account.routing_number",
        "tos_acceptance",
    } <= form.names()
    assert submit_form(emulator, form).status_code == 303
    account = get_account(api, account_id)
    assert account["requirements"]["entries"] == []
    assert account["requirements"]["summary"] == {"minimum_deadline": None}
    card = account["configuration"]["merchant"]["capabilities"]["card_payments"]
    assert card == {"status": "active", "status_details": []}
    types = event_types(api, account_id)
    assert "v2.core.account[requirements].updated" in types
    assert "v2.core.account[configuration.merchant].capability_status_updated" in types
    assert "v2.core.account_link.returned" in types


def test_a_partial_save_leaves_the_rest_currently_due(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    keep = {"identity.business_details.registered_name": "Saved Name Inc"}
    blanks = {name: "" for name in form.names() if name not in keep}
    assert submit_form(emulator, form, "Save for later", {**keep, **blanks}).status_code == 303
    account = get_account(api, account_id)
    statuses = {e["minimum_deadline"]["status"] for e in account["requirements"]["entries"]}
    assert statuses == {"currently_due", "eventually_due"}
    summary = account["requirements"]["summary"]["minimum_deadline"]
    assert summary["status"] == "currently_due"
    assert summary["time"] is not None
    card = account["configuration"]["merchant"]["capabilities"]["card_payments"]
    assert card["status"] == "pending"


async def test_the_submit_control_fills_the_form(
    emulator: EmulatorHandle, sdk: stripe.StripeClient, api: httpx.Client
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    response = control(emulator, f"/accounts/{account.id}/submit", {"link_returned": True})
    assert response.status_code == 200, response.text
    state = response.json()
    assert state["internal"]["submitted"] is True
    fetched = await sdk.v2.core.accounts.retrieve_async(
        account.id,
        {"include": ALL_INCLUDES},  # type: ignore[typeddict-item]
    )
    assert fetched.requirements is not None
    waiting = {e.description: e.awaiting_action_from for e in fetched.requirements.entries or []}
    assert waiting["representative.id_numbers"] == "stripe"
    assert waiting["identity.business_details.annual_revenue"] == "user"  # eventually_due
    assert fetched.configuration is not None
    assert fetched.configuration.merchant is not None
    card = fetched.configuration.merchant.capabilities.card_payments  # type: ignore[union-attr]
    assert card is not None
    assert _details(card) == [
        {"code": "requirements_pending_verification", "resolution": "no_resolution"}
    ]
    returned = await sdk.v2.core.events.list_async(
        {"types": ["v2.core.account_link.returned"]}  # type: ignore[typeddict-item]
    )
    assert len(returned.data) == 1
    bad = control(emulator, f"/accounts/{account.id}/submit", {"fields": "everything"})
    assert bad.status_code == 400


def test_the_shape_can_be_switched(emulator: EmulatorHandle, api: httpx.Client) -> None:
    assert httpx.get(f"{emulator.base_url}/_emulator/settings").json() == {
        "fresh_accounts": "past_due"
    }
    fresh = create_account(api)["id"]
    switched = control(emulator, "/settings", {"fresh_accounts": "currently_due"})
    assert switched.json() == {"fresh_accounts": "currently_due"}
    older = get_account(api, create_account(api)["id"])
    assert older["requirements"]["summary"]["minimum_deadline"]["status"] == "currently_due"
    card = older["configuration"]["merchant"]["capabilities"]["card_payments"]
    assert card["status_details"] == [{"code": "determining_status", "resolution": "provide_info"}]
    # accounts created before the switch keep their shape
    assert get_account(api, fresh)["requirements"]["summary"]["minimum_deadline"] == {
        "status": "past_due",
        "time": None,
    }
    assert control(emulator, "/settings", {"fresh_accounts": "sometimes"}).status_code == 400
    assert control(emulator, "/settings", {"colour": "red"}).status_code == 400
    control(emulator, "/reset")
    assert httpx.get(f"{emulator.base_url}/_emulator/settings").json() == {
        "fresh_accounts": "past_due"
    }


@pytest.mark.parametrize("shape", ["past_due", "currently_due"])
def test_the_configured_shape(shape: str) -> None:
    from stripe_emulator.config import EmulatorConfig

    assert EmulatorConfig(fresh_accounts=shape).fresh_accounts == shape
    with pytest.raises(ValueError, match="fresh_accounts"):
        EmulatorConfig(fresh_accounts="overdue")
