"""Requirement catalogues by country and entity type, and recipient configurations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

from tests.emulator.conftest import (
    ALL_INCLUDES,
    control,
    create_account,
    create_link,
    descriptions,
    event_types,
    get_account,
    open_form,
    submit_form,
)
from tests.support.emulator_server import EmulatorHandle

COUNTRIES = ["us", "gb", "ca", "au", "de", "fr"]
CARD_PAYMENTS = {"merchant": {"capabilities": {"card_payments": {"requested": True}}}}
TRANSFERS = {
    "recipient": {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}
}
RECIPIENT_INCLUDES = [*ALL_INCLUDES, "configuration.recipient"]


def account_body(country: str, entity_type: str, configuration: Any = None) -> dict[str, Any]:
    return {
        "identity": {"country": country, "entity_type": entity_type},
        "configuration": configuration or CARD_PAYMENTS,
    }


@pytest.mark.parametrize("country", COUNTRIES)
async def test_each_country_has_its_catalogue(sdk: stripe.StripeClient, country: str) -> None:
    company = await sdk.v2.core.accounts.create_async(
        {**account_body(country, "company"), "include": ["requirements"]}  # type: ignore[typeddict-item]
    )
    individual = await sdk.v2.core.accounts.create_async(
        {**account_body(country, "individual"), "include": ["requirements"]}  # type: ignore[typeddict-item]
    )
    assert company.requirements is not None
    assert individual.requirements is not None
    company_entries = {e.description for e in company.requirements.entries or []}
    individual_entries = {e.description for e in individual.requirements.entries or []}
    common = {
        "external_account",
        "identity.attestations.terms_of_service.account.date",
        "identity.attestations.terms_of_service.account.ip",
        "defaults.profile.business_url",
    }
    assert common <= company_entries
    assert common <= individual_entries
    assert {
        "identity.business_details.registered_name",
        "identity.business_details.address.line1",
        "identity.business_details.id_numbers",
        "representative.given_name",
        "identity.attestations.persons_provided.owners",
    } <= company_entries
    # a sole proprietor / individual has no representative and no business details
    assert not any(
        d.startswith(("representative.", "identity.business")) for d in individual_entries
    )
    assert {"identity.individual.given_name", "identity.individual.address.line1"} <= (
        individual_entries
    )
    has_state = country in ("us", "ca", "au")
    assert ("identity.individual.address.state" in individual_entries) is has_state
    assert ("identity.business_details.address.state" in company_entries) is has_state
    has_directors = country in ("gb", "de", "fr")
    assert ("identity.attestations.persons_provided.directors" in company_entries) is has_directors
    assert ("representative.id_numbers" in company_entries) is (country == "us")


def test_the_catalogue_control_lists_every_description(emulator: EmulatorHandle) -> None:
    gb = httpx.get(
        f"{emulator.base_url}/_emulator/catalogue",
        params={"country": "GB", "entity_type": "company"},
    ).json()
    assert gb["own_catalogue"] is True
    assert "identity.business_details.address.postal_code" in gb["descriptions"]
    assert "identity.business_details.address.state" not in gb["descriptions"]
    assert "identity.business_details.registration_date" in gb["descriptions"]  # future
    dob = next(
        r for r in gb["requirements"] if r["description"] == "representative.date_of_birth.day"
    )
    assert dob["form_fields"] == ["representative.date_of_birth"]
    other = httpx.get(f"{emulator.base_url}/_emulator/catalogue", params={"country": "jp"}).json()
    assert other["own_catalogue"] is False
    bad = httpx.get(
        f"{emulator.base_url}/_emulator/catalogue", params={"entity_type": "partnership"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(("country", "account_label"), [("de", "IBAN"), ("gb", "Sort code")])
def test_the_hosted_form_follows_the_country(
    emulator: EmulatorHandle, api: httpx.Client, country: str, account_label: str
) -> None:
    account_id = create_account(api, account_body(country, "company"))["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert account_label in form.labels.values()
    assert "identity.business_details.address.state" not in form.names()
    assert "identity.attestations.persons_provided.directors" in form.names()
    assert submit_form(emulator, form).status_code == 303
    account = get_account(api, account_id)
    assert {e["awaiting_action_from"] for e in account["requirements"]["entries"]} == {"stripe"}
    assert account["defaults"]["currency"] == ("eur" if country == "de" else "gbp")
    assert account["identity"]["attestations"]["persons_provided"]["directors"] is True


async def test_a_recipient_has_its_own_requirements_and_capabilities(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = await sdk.v2.core.accounts.create_async(
        {  # type: ignore[typeddict-item]
            **account_body("us", "individual", TRANSFERS),
            "include": RECIPIENT_INCLUDES,
        }
    )
    assert account.applied_configurations == ["recipient"]
    assert account.requirements is not None
    entries = {e.description: e for e in account.requirements.entries or []}
    # payment-only entries (business website) and merchant-only ones (phone, SSN) are not asked
    assert "defaults.profile.business_url" not in entries
    assert "identity.individual.id_numbers" not in entries
    assert "identity.individual.phone" not in entries
    assert {"identity.individual.given_name", "external_account"} <= set(entries)
    impact = entries["external_account"].impact.restricts_capabilities or []
    assert [(i.capability, i.configuration) for i in impact] == [
        ("stripe_balance.stripe_transfers", "recipient")
    ]
    assert account.configuration is not None
    recipient = account.configuration.recipient
    assert recipient is not None
    assert recipient.capabilities is not None
    assert recipient.capabilities.stripe_balance is not None
    transfers = recipient.capabilities.stripe_balance.stripe_transfers
    assert transfers is not None
    assert transfers.status == "restricted"
    assert account.configuration.merchant is None

    _, form = open_form(emulator, create_link(api, account.id)["url"])
    assert "defaults.profile.business_url" not in form.names()
    assert submit_form(emulator, form).status_code == 303
    after = get_account(api, account.id, RECIPIENT_INCLUDES)
    assert after["requirements"]["entries"] == []
    assert after["configuration"]["recipient"]["capabilities"]["stripe_balance"] == {
        "stripe_transfers": {"status": "active", "status_details": []}
    }
    assert "v2.core.account[configuration.recipient].capability_status_updated" in event_types(
        api, account.id
    )
    assert returned_events(api)[0]["data"]["configurations"] == ["recipient"]


def returned_events(api: httpx.Client) -> list[dict[str, Any]]:
    params = {"types[0]": "v2.core.account_link.returned"}
    events: list[dict[str, Any]] = api.get("/v2/core/events", params=params).json()["data"]
    return events


def test_merchant_and_recipient_together(emulator: EmulatorHandle, api: httpx.Client) -> None:
    body = account_body("us", "company", {**CARD_PAYMENTS, **TRANSFERS})
    account = get_account(api, create_account(api, body)["id"], RECIPIENT_INCLUDES)
    entries = {e["description"]: e for e in account["requirements"]["entries"]}
    pairs = {
        (i["configuration"], i["capability"])
        for i in entries["identity.business_details.registered_name"]["impact"][
            "restricts_capabilities"
        ]
    }
    assert pairs == {
        ("merchant", "card_payments"),
        ("merchant", "stripe_balance.payouts"),
        ("recipient", "stripe_balance.stripe_transfers"),
    }
    url = entries["defaults.profile.business_url"]["impact"]["restricts_capabilities"]
    assert [(i["configuration"], i["capability"]) for i in url] == [("merchant", "card_payments")]
    response = control(
        emulator,
        f"/accounts/{account['id']}/capability_status",
        {"code": "rejected_other", "configuration": "recipient"},
    )
    assert response.status_code == 200, response.text
    after = get_account(api, account["id"], RECIPIENT_INCLUDES)
    configuration = after["configuration"]
    assert (
        configuration["recipient"]["capabilities"]["stripe_balance"]["stripe_transfers"]["status"]
        == "rejected"
    )
    assert configuration["merchant"]["capabilities"]["card_payments"]["status"] == "restricted"
    assert descriptions(after)
