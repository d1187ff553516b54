"""The v2 API surface: auth, validation, include, pagination, idempotency, versions, errors."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.conftest import (
    MERCHANT_ACCOUNT,
    PLATFORM_COLLECTED,
    create_account,
    create_link,
    descriptions,
    get_account,
)
from tests.support.emulator_server import EmulatorHandle

LINK_BODY = {
    "use_case": {
        "type": "account_onboarding",
        "account_onboarding": {
            "refresh_url": "https://p.example/r",
            "return_url": "https://p.example/ret",
        },
    },
}


@pytest.mark.parametrize(
    ("authorization", "code", "fragment"),
    [
        (None, "api_key_missing", "did not provide an API key"),
        ("Bearer sk_live_abcdefghijklmnop", "livemode_mismatch", "only test-mode keys"),
        ("Bearer rk_live_abcdefghijklmnop", "livemode_mismatch", "only test-mode keys"),
        ("Bearer pk_test_abcdefghijklmnop", "api_key_invalid", "Invalid API Key"),
    ],
)
def test_requests_without_a_test_key_are_refused(
    emulator: EmulatorHandle, authorization: str | None, code: str, fragment: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.get(f"{emulator.base_url}/v2/core/events", headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == code
    assert fragment in error["message"]


def test_any_test_key_is_accepted(emulator: EmulatorHandle) -> None:
    for key in ("sk_test_x1", "rk_test_other"):
        response = httpx.get(
            f"{emulator.base_url}/v2/core/events",
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 200, response.text


def test_unknown_and_invalid_parameters_are_rejected(api: httpx.Client) -> None:
    response = api.post("/v2/core/accounts", json={**MERCHANT_ACCOUNT, "nickname": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_unknown",
        "message": "Received unknown parameter: nickname",
    }
    nested = api.post("/v2/core/accounts", json={"identity": {"country": "us", "colour": "red"}})
    assert nested.json()["error"]["message"] == "Received unknown parameter: identity.colour"
    invalid = api.post("/v2/core/accounts", json={"dashboard": "fancy"})
    assert invalid.status_code == 400
    assert invalid.json()["error"]["code"] == "parameter_invalid"
    assert "dashboard" in invalid.json()["error"]["message"]
    missing = api.post("/v2/core/account_links", json={"use_case": LINK_BODY["use_case"]})
    assert missing.status_code == 400
    assert missing.json()["error"]["message"] == "Missing required param: account."
    query = api.get("/v2/core/events", params={"colour": "red"})
    assert query.status_code == 400
    assert query.json()["error"]["message"] == "Received unknown parameter: colour"


def test_not_found_errors_use_the_v2_shape(api: httpx.Client) -> None:
    for path in ("/v2/core/accounts/acct_missing", "/v2/core/events/evt_missing"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    link = api.post("/v2/core/account_links", json={"account": "acct_missing", **LINK_BODY})
    assert link.status_code == 404
    unknown_route = api.get("/v2/core/nothing_here")
    assert unknown_route.status_code == 404
    assert unknown_route.json()["error"]["code"] == "not_found"


def test_new_merchant_account_has_realistic_requirements(api: httpx.Client) -> None:
    account = create_account(api, include=["requirements", "configuration.merchant"])
    assert account["object"] == "v2.core.account"
    assert account["applied_configurations"] == ["merchant"]
    assert account["livemode"] is False
    entries = {e["description"]: e for e in account["requirements"]["entries"]}
    assert {
        "identity.business_details.registered_name",
        "identity.business_details.address.line1",
        "identity.business_details.address.state",
        "identity.business_details.id_numbers",
        "representative.given_name",
        "representative.date_of_birth.year",
        "representative.id_numbers",
        "identity.attestations.persons_provided.owners",
        "external_account",
        "identity.attestations.terms_of_service.account.date",
        "identity.attestations.terms_of_service.account.ip",
        "identity.business_details.annual_revenue",
    } <= set(entries)
    rep = entries["representative.id_numbers"]
    assert rep["awaiting_action_from"] == "user"
    assert rep["reference"]["type"] == "person"
    assert rep["requested_reasons"] == [{"code": "routine_onboarding"}]
    assert {i["capability"] for i in rep["impact"]["restricts_capabilities"]} == {
        "card_payments",
        "stripe_balance.payouts",
    }
    bank = entries["external_account"]["impact"]["restricts_capabilities"]
    assert [(i["capability"], i["configuration"]) for i in bank] == [
        ("stripe_balance.payouts", "merchant")
    ]
    assert entries["identity.business_details.annual_revenue"]["minimum_deadline"] == {
        "status": "eventually_due"
    }
    # Stripe's shape for an account nobody has submitted anything for: everything overdue
    assert rep["minimum_deadline"] == {"status": "past_due"}
    assert account["requirements"]["summary"]["minimum_deadline"] == {
        "status": "past_due",
        "time": None,
    }
    caps = account["configuration"]["merchant"]["capabilities"]
    past_due = {
        "status": "restricted",
        "status_details": [{"code": "requirements_past_due", "resolution": "provide_info"}],
    }
    assert caps["card_payments"] == past_due
    assert caps["stripe_balance"]["payouts"] == past_due
    assert account["defaults"] is None


def test_include_controls_which_fields_are_returned(api: httpx.Client) -> None:
    account = create_account(api)
    assert account["requirements"] is None
    assert account["identity"] is None
    bare = api.get(f"/v2/core/accounts/{account['id']}").json()
    assert bare["requirements"] is None
    assert bare["configuration"] is None
    full = get_account(api, account["id"])
    assert full["identity"]["entity_type"] == "company"
    assert full["defaults"]["responsibilities"]["requirements_collector"] == "stripe"
    assert full["configuration"]["merchant"]["applied"] is True
    assert full["future_requirements"]["entries"] == []
    bad = api.get(f"/v2/core/accounts/{account['id']}", params={"include[0]": "secrets"})
    assert bad.status_code == 400


def test_update_resolves_requirements_and_emits_events(api: httpx.Client) -> None:
    account = create_account(api)
    response = api.post(
        f"/v2/core/accounts/{account['id']}",
        json={
            "identity": {
                "business_details": {
                    "registered_name": "Acme Tools LLC",
                    "id_numbers": [{"type": "us_ein", "value": "000000000"}],
                }
            },
            "include": ["requirements", "identity"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "identity.business_details.registered_name" not in descriptions(body)
    ein = next(
        e
        for e in body["requirements"]["entries"]
        if e["description"] == "identity.business_details.id_numbers"
    )
    assert ein["awaiting_action_from"] == "stripe"
    assert body["identity"]["business_details"]["id_numbers"] == [{"type": "us_ein"}]
    events = api.get("/v2/core/events", params={"object_id": account["id"]}).json()["data"]
    types = [e["type"] for e in events]
    assert types[-1] == "v2.core.account.created"
    assert "v2.core.account.updated" in types
    assert "v2.core.account[identity].updated" in types
    assert "v2.core.account[requirements].updated" in types
    updated = next(e for e in events if e["type"] == "v2.core.account.updated")
    assert updated["reason"]["type"] == "request"
    assert updated["related_object"] == {
        "id": account["id"],
        "type": "v2.core.account",
        "url": f"/v2/core/accounts/{account['id']}",
    }


def test_list_accounts_paginates(api: httpx.Client) -> None:
    ids = [create_account(api)["id"] for _ in range(3)]
    first = api.get("/v2/core/accounts", params={"limit": 2}).json()
    assert [a["id"] for a in first["data"]] == ids[::-1][:2]
    assert first["previous_page_url"] is None
    second = api.get(first["next_page_url"]).json()
    assert [a["id"] for a in second["data"]] == [ids[0]]
    assert second["next_page_url"] is None
    assert second["previous_page_url"] is not None


def test_events_list_filters_and_pages(api: httpx.Client) -> None:
    a = create_account(api)["id"]
    b = create_account(api)["id"]
    api.post(f"/v2/core/accounts/{a}", json={"display_name": "Renamed"})
    only_a = api.get("/v2/core/events", params={"object_id": a}).json()["data"]
    assert {e["related_object"]["id"] for e in only_a} == {a}
    created = api.get("/v2/core/events", params={"types[0]": "v2.core.account.created"}).json()[
        "data"
    ]
    assert [e["related_object"]["id"] for e in created] == [b, a]
    page = api.get("/v2/core/events", params={"limit": 1}).json()
    assert len(page["data"]) == 1
    rest = api.get(page["next_page_url"]).json()
    assert rest["data"][0]["id"] != page["data"][0]["id"]
    newest = page["data"][0]
    later = api.get("/v2/core/events", params={"created[gt]": newest["created"]}).json()
    assert later["data"] == []
    bad = api.get("/v2/core/events", params={"created[gt]": "yesterday"})
    assert bad.status_code == 400
    one = api.get(f"/v2/core/events/{newest['id']}").json()
    assert one == newest


def test_idempotency_keys_replay_and_conflict(emulator: EmulatorHandle, api: httpx.Client) -> None:
    headers = {"Idempotency-Key": "create-acme-1"}
    first = api.post("/v2/core/accounts", json=MERCHANT_ACCOUNT, headers=headers)
    again = api.post("/v2/core/accounts", json=MERCHANT_ACCOUNT, headers=headers)
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    listed = api.get("/v2/core/accounts").json()["data"]
    assert len(listed) == 1
    conflict = api.post(
        "/v2/core/accounts",
        json={**MERCHANT_ACCOUNT, "display_name": "Other"},
        headers=headers,
    )
    assert conflict.status_code == 400
    assert conflict.json()["error"]["type"] == "idempotency_error"
    other_key = httpx.post(
        f"{emulator.base_url}/v2/core/accounts",
        json=MERCHANT_ACCOUNT,
        headers={**headers, "Authorization": "Bearer sk_test_someone_else"},
    )
    assert other_key.status_code == 200
    assert other_key.json()["id"] != first.json()["id"]


def test_configurations_on_links_depend_on_the_api_version(api: httpx.Client) -> None:
    account = create_account(api)["id"]
    with_configs = {
        "account": account,
        "use_case": {
            "type": "account_onboarding",
            "account_onboarding": {
                **LINK_BODY["use_case"]["account_onboarding"],  # type: ignore[index]
                "configurations": ["merchant"],
            },
        },
    }
    rejected = api.post(
        "/v2/core/account_links",
        json=with_configs,
        headers={"Stripe-Version": "2026-09-30.endive"},
    )
    assert rejected.status_code == 400
    assert rejected.json()["error"]["message"] == (
        "Received unknown parameter: use_case.account_onboarding.configurations"
    )
    default_version = api.post("/v2/core/account_links", json=with_configs)
    assert default_version.status_code == 400
    old = "2025-07-30.preview"
    required = api.post(
        "/v2/core/account_links",
        json={"account": account, **LINK_BODY},
        headers={"Stripe-Version": old},
    )
    assert required.status_code == 400
    assert required.json()["error"]["code"] == "parameter_missing"
    accepted = api.post(
        "/v2/core/account_links",
        json=with_configs,
        headers={"Stripe-Version": old, "X-Skip-Request-Contract": "1"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.headers["stripe-version"] == old
    assert accepted.json()["use_case"]["account_onboarding"]["configurations"] == ["merchant"]


def test_account_update_links_need_platform_collection(api: httpx.Client) -> None:
    stripe_collected = create_account(api)["id"]
    response = api.post(
        "/v2/core/account_links",
        json={
            "account": stripe_collected,
            "use_case": {
                "type": "account_update",
                "account_update": {"refresh_url": "https://p.example/r"},
            },
        },
    )
    assert response.status_code == 400
    assert "requirement collection" in response.json()["error"]["message"]
    platform = create_account(api, PLATFORM_COLLECTED)["id"]
    link = create_link(api, platform, "account_update")
    assert link["use_case"]["type"] == "account_update"


def test_link_needs_the_matching_options_hash(api: httpx.Client) -> None:
    account = create_account(api)["id"]
    response = api.post(
        "/v2/core/account_links",
        json={"account": account, "use_case": {"type": "account_update"}},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Missing required param: use_case.account_update."


def test_customer_only_accounts_cannot_use_links(api: httpx.Client) -> None:
    account = create_account(api, {"configuration": {"customer": {}}})
    assert account["applied_configurations"] == ["customer"]
    response = api.post("/v2/core/account_links", json={"account": account["id"], **LINK_BODY})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "configs_must_match_to_use_account_links"


def test_links_expire_at_the_configured_ttl(api: httpx.Client, emulator: EmulatorHandle) -> None:
    from stripe_emulator.clock import parse_rfc3339

    link = create_link(api, create_account(api)["id"])
    ttl = parse_rfc3339(link["expires_at"]) - parse_rfc3339(link["created"])
    assert ttl == pytest.approx(emulator.config.link_ttl, abs=0.01)
    assert link["url"].startswith(f"{emulator.base_url}/hosted/onboarding/")
