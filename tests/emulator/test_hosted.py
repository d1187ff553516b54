"""The hosted onboarding form, walked with httpx like a browser without JavaScript."""

from __future__ import annotations

import time

import httpx

from tests.emulator.conftest import (
    PLATFORM_COLLECTED,
    create_account,
    create_link,
    descriptions,
    get_account,
    open_form,
    parse_form,
    submit_form,
)
from tests.support.contract import validate_thin_notification
from tests.support.emulator_server import EmulatorHandle, WebhookReceiver

RETURN_URL = "https://platform.example/return"
REFRESH_URL = "https://platform.example/refresh"


def wait_until_verified(api: httpx.Client, account_id: str, timeout: float = 5.0) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        account = get_account(api, account_id)
        if not any(
            e["awaiting_action_from"] == "stripe" for e in account["requirements"]["entries"]
        ):
            return account
        assert time.monotonic() < deadline, "verification never finished"
        time.sleep(0.05)


def test_full_onboarding_walk(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    account_id = create_account(api)["id"]
    link = create_link(api, account_id)
    page, form = open_form(emulator, link["url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "identity.business_details.registered_name" in form.names()
    assert "identity.business_details.annual_revenue" not in form.names()  # eventually_due

    done = submit_form(emulator, form)
    assert done.status_code == 303
    assert done.headers["location"] == RETURN_URL

    pending = get_account(api, account_id)
    waiting = {
        e["description"]: e["awaiting_action_from"] for e in pending["requirements"]["entries"]
    }
    assert waiting["representative.id_numbers"] == "stripe"
    assert waiting["identity.business_details.id_numbers"] == "stripe"
    caps = pending["configuration"]["merchant"]["capabilities"]
    assert caps["card_payments"]["status_details"][0]["code"] == (
        "requirements_pending_verification"
    )

    verified = wait_until_verified(api, account_id)
    assert {e["minimum_deadline"]["status"] for e in verified["requirements"]["entries"]} == {
        "eventually_due"
    }
    assert verified["requirements"]["summary"]["minimum_deadline"] == {
        "status": "eventually_due",
        "time": None,
    }
    caps = verified["configuration"]["merchant"]["capabilities"]
    assert caps["card_payments"] == {"status": "active", "status_details": []}
    assert caps["stripe_balance"]["payouts"]["status"] == "active"
    assert verified["identity"]["business_details"]["registered_name"] == "Gangway Test Co"
    tos = verified["identity"]["attestations"]["terms_of_service"]["account"]
    assert tos["ip"] == "127.0.0.1"

    events = api.get("/v2/core/events", params={"object_id": account_id, "limit": 100}).json()[
        "data"
    ]
    types = [e["type"] for e in events]
    assert "v2.core.account_link.returned" in types
    returned = next(e for e in events if e["type"] == "v2.core.account_link.returned")
    assert returned["data"] == {
        "account_id": account_id,
        "configurations": ["merchant"],
        "use_case": "account_onboarding",
    }
    assert "related_object" not in returned
    assert types.count("v2.core.account[configuration.merchant].capability_status_updated") >= 4

    created_order = [e["id"] for e in reversed(events)]
    delivered = receiver.wait_for(len(created_order))
    for delivery in delivered:
        validate_thin_notification(delivery.json())
    assert receiver.event_ids() == created_order


def test_delivery_tolerates_chaos(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    assert (
        api.post(
            f"{emulator.base_url}/_emulator/chaos",
            json={"duplicate": True, "reorder": True},
        ).status_code
        == 200
    )
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert submit_form(emulator, form).status_code == 303
    wait_until_verified(api, account_id)
    events = api.get("/v2/core/events", params={"limit": 100}).json()["data"]
    delivered = receiver.wait_for(2 * len(events))
    ids = [d.json()["id"] for d in delivered]
    assert sorted(set(ids)) == sorted(e["id"] for e in events)
    assert all(ids.count(i) == 2 for i in set(ids))
    # a receiver that dedupes on the event id and sorts by `created` recovers the true order
    by_id = {d.json()["id"]: d.json()["created"] for d in delivered}
    recovered = sorted(by_id, key=lambda i: (by_id[i], ids.index(i)))
    assert recovered == [e["id"] for e in reversed(events)]


def test_used_and_expired_links_redirect_to_refresh_url(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    link = create_link(api, account_id)
    first, _ = open_form(emulator, link["url"])
    assert first.status_code == 200
    second = httpx.get(link["url"])
    assert second.status_code == 303
    assert second.headers["location"] == REFRESH_URL

    expiring = create_link(api, account_id)
    api.post(
        f"{emulator.base_url}/_emulator/clock/advance",
        json={"seconds": emulator.config.link_ttl + 1},
    )
    expired = httpx.get(expiring["url"])
    assert expired.status_code == 303
    assert expired.headers["location"] == REFRESH_URL

    unknown = httpx.get(f"{emulator.base_url}/hosted/onboarding/alu_test_nope")
    assert unknown.status_code == 404


def test_submitting_twice_goes_to_refresh_url(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert submit_form(emulator, form).headers["location"] == RETURN_URL
    replay = submit_form(emulator, form)
    assert replay.status_code == 303
    assert replay.headers["location"] == REFRESH_URL


def test_save_for_later_keeps_progress(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    keep = {"identity.business_details.registered_name": "Saved Name Inc"}
    blanks = {name: "" for name in form.names() if name not in keep}
    saved = submit_form(emulator, form, "Save for later", {**keep, **blanks})
    assert saved.status_code == 303
    assert saved.headers["location"] == RETURN_URL
    account = get_account(api, account_id)
    assert "identity.business_details.registered_name" not in descriptions(account)
    assert "representative.id_numbers" in descriptions(account)
    events = api.get("/v2/core/events", params={"types[0]": "v2.core.account_link.returned"})
    assert len(events.json()["data"]) == 1
    # the next link only asks for what is still missing
    _, again = open_form(emulator, create_link(api, account_id)["url"])
    assert "identity.business_details.registered_name" not in again.names()
    assert "representative.id_number" in again.names()


def test_submit_with_missing_fields_shows_errors(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    response = submit_form(
        emulator,
        form,
        overrides={
            "identity.business_details.registered_name": "",
            "representative.date_of_birth": "not a date",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "Legal business name is required." in response.text
    assert "YYYY-MM-DD" in response.text
    assert "identity.business_details.registered_name" in descriptions(get_account(api, account_id))
    fixed = parse_form(response.text)
    assert (
        submit_form(
            emulator,
            fixed,
            overrides={
                "identity.business_details.registered_name": "Fixed Co",
                "representative.date_of_birth": "1990-01-01",
            },
        ).status_code
        == 303
    )


def test_form_is_accessible(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api)["id"]
    page, form = open_form(emulator, create_link(api, account_id)["url"])
    assert '<html lang="en">' in page.text
    assert "<script" not in page.text
    visible = [f for f in form.inputs if f.get("type") != "hidden"]
    assert visible
    for field in visible:
        assert field["id"] in form.labels, f"no <label for> for {field.get('name')}"
        assert form.labels[field["id"]].strip()
    names = [b["text"].strip() for b in form.buttons]
    assert names == ["Submit", "Save for later"]
    assert "formnovalidate" in form.buttons[1]


def test_eventually_due_and_future_requirements_collection(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    api.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/future_requirements",
        json={},
    )
    _, narrow = open_form(emulator, create_link(api, account_id)["url"])
    assert "identity.business_details.annual_revenue" not in narrow.names()
    assert "identity.business_details.registration_date" not in narrow.names()
    link = create_link(api, account_id, fields="eventually_due", future_requirements="include")
    _, wide = open_form(emulator, link["url"])
    assert {
        "identity.business_details.annual_revenue",
        "identity.business_details.registration_date",
    } <= wide.names()
    assert submit_form(emulator, wide).status_code == 303
    account = wait_until_verified(api, account_id)
    assert account["requirements"]["entries"] == []
    assert account["future_requirements"]["entries"] == []


def test_account_update_shows_values_on_file(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account_id = create_account(api, PLATFORM_COLLECTED)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert (
        submit_form(
            emulator,
            form,
            overrides={"identity.business_details.registered_name": "Original Name"},
        ).status_code
        == 303
    )
    page, update = open_form(emulator, create_link(api, account_id, "account_update")["url"])
    assert page.status_code == 200
    assert update.value("identity.business_details.registered_name") == "Original Name"
    assert update.value("representative.id_number") == ""  # secrets are never shown
    assert "ending in 0000" in page.text
    assert (
        submit_form(
            emulator,
            update,
            overrides={"identity.business_details.registered_name": "New Name"},
        ).status_code
        == 303
    )
    account = get_account(api, account_id)
    assert account["identity"]["business_details"]["registered_name"] == "New Name"
    returned = api.get(
        "/v2/core/events", params={"types[0]": "v2.core.account_link.returned"}
    ).json()["data"]
    assert returned[0]["data"]["use_case"] == "account_update"


def test_failing_id_number_is_reported_after_verification(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account_id = create_account(api)["id"]
    _, form = open_form(emulator, create_link(api, account_id)["url"])
    assert (
        submit_form(emulator, form, overrides={"representative.id_number": "111111111"}).status_code
        == 303
    )
    account = wait_until_verified(api, account_id)
    entry = next(
        e
        for e in account["requirements"]["entries"]
        if e["description"] == "representative.id_numbers"
    )
    assert entry["awaiting_action_from"] == "user"
    assert entry["errors"][0]["code"] == "verification_failed_id_number_match"
    assert entry["minimum_deadline"]["status"] == "currently_due"
    page, retry = open_form(emulator, create_link(api, account_id)["url"])
    assert "could not be verified" in page.text
    assert retry.names() == {"representative.id_number"}
    assert submit_form(emulator, retry).status_code == 303
    fixed = wait_until_verified(api, account_id)
    assert "representative.id_numbers" not in descriptions(fixed)
