"""The Connect.js stand-in: the script and the JSON endpoints its elements use."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import tomllib
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulator.conftest import (
    ALL_INCLUDES,
    MERCHANT_ACCOUNT,
    PLATFORM_COLLECTED,
    control,
    create_account,
    create_link,
    descriptions,
    event_types,
    get_account,
    open_form,
    submit_form,
)
from tests.support.emulator_server import EmulatorHandle, WebhookReceiver

ORIGIN = "http://127.0.0.1:5173"  # the platform's pages: another origin than the emulator's
COMPONENTS = ("account_onboarding", "account_management", "notification_banner")


def session_secret(
    api: httpx.Client,
    account_id: str,
    components: tuple[str, ...] = COMPONENTS,
    features: dict[str, str] | None = None,
) -> str:
    data = {"account": account_id}
    data.update({f"components[{name}][enabled]": "true" for name in components})
    data.update(features or {})
    response = api.post("/v1/account_sessions", data=data)
    assert response.status_code == 200, response.text
    secret: str = response.json()["client_secret"]
    return secret


def client(emulator: EmulatorHandle, secret: str | None) -> httpx.Client:
    headers = {"Origin": ORIGIN}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    return httpx.Client(base_url=f"{emulator.base_url}/connect-js", headers=headers, timeout=10)


def form_values(form: dict[str, Any]) -> dict[str, str]:
    """What the rendered form sends as it stands (ticked boxes send their value)."""
    values: dict[str, str] = {}
    for group in form["groups"]:
        for field in group["inputs"]:
            if field["type"] == "checkbox":
                values[field["name"]] = field["value"] if field["checked"] else ""
            else:
                values[field["name"]] = field["value"]
    return values


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def due_now(account: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries the user must provide now (what a ``currently_due`` form collects)."""
    return [
        e
        for e in account["requirements"]["entries"]
        if e["awaiting_action_from"] == "user"
        and e["minimum_deadline"]["status"] != "eventually_due"
    ]


def input_names(form: dict[str, Any]) -> set[str]:
    return {f["name"] for g in form["groups"] for f in g["inputs"]}


# --------------------------------------------------------------------------- the script


def test_script_defines_stripe_connect(emulator: EmulatorHandle) -> None:
    response = httpx.get(f"{emulator.base_url}/connect-js/v1.js", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["access-control-allow-origin"] == "*"
    source = response.text
    assert "window.StripeConnect.init = init" in source
    assert "__STRIPE_EMULATOR_BASE_URL__" not in source
    assert f'var EMBEDDED_BASE_URL = "{emulator.base_url}"' in source
    for tag in ("account-onboarding", "account-management", "notification-banner"):
        assert f'"{tag}"' in source
    for setter in (
        "setOnExit",
        "setCollectionOptions",
        "setOnLoadError",
        "setOnNotificationsChange",
    ):
        assert f'"{setter}"' in source
    assert 'Prototype[setter + "InternalOnly"]' in source.replace("Defined.p", "P")
    assert "innerHTML" not in re.sub(r"/\*.*?\*/", "", source, flags=re.S)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_script_parses(emulator: EmulatorHandle, tmp_path: Path) -> None:
    script = tmp_path / "v1.js"
    script.write_text(httpx.get(f"{emulator.base_url}/connect-js/v1.js").text)
    result = subprocess.run(  # noqa: S603
        ["node", "--check", str(script)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_script_ships_with_the_package() -> None:
    """The Docker image installs ``./backend`` (not editable): the script must be package data."""
    pyproject = Path(__file__).resolve().parents[2] / "backend" / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["stripe_emulator"]
    assert any(fnmatch("static/connect.js", p) for p in patterns), patterns


def test_preflight_allows_the_secret_header(emulator: EmulatorHandle) -> None:
    response = httpx.options(
        f"{emulator.base_url}/connect-js/submit",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed
    # CORS is only for the stand-in: the API and the controls stay as they were
    api_preflight = httpx.options(
        f"{emulator.base_url}/_emulator/clock",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in api_preflight.headers


# --------------------------------------------------------------------------- sessions


def test_session_lookup_by_secret(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        response = c.get("/session")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["account"] == {"id": account["id"], "name": "Acme Tools", "dashboard": "full"}
    assert body["components"]["account_onboarding"]["enabled"] is True
    assert body["components"]["payouts"]["enabled"] is False
    assert secret not in response.text
    listed = httpx.get(f"{emulator.base_url}/_emulator/account_sessions").json()["data"]
    assert listed[0]["requests"] == 1


@pytest.mark.parametrize("secret", [None, "accs_secret__not_a_real_one"])
def test_bad_secret_is_401(emulator: EmulatorHandle, secret: str | None) -> None:
    with client(emulator, secret) as c:
        for path in ("/session", "/onboarding", "/account", "/notifications"):
            response = c.get(path)
            assert response.status_code == 401, path
            assert response.json()["error"]["type"] == "authentication_error"
            assert response.headers["access-control-allow-origin"] == "*"
        assert c.post("/submit", json={"values": {}}).status_code == 401


def test_expired_secret_is_401(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    control(emulator, "/clock/advance", {"seconds": 31 * 60})
    with client(emulator, secret) as c:
        response = c.get("/session")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_closed_account_is_refused(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    control(emulator, f"/accounts/{account['id']}/close")
    with client(emulator, secret) as c:
        response = c.get("/onboarding")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_surfaces_need_their_component(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"], ("account_onboarding",))
    with client(emulator, secret) as c:
        assert c.get("/onboarding").status_code == 200
        for path in ("/account", "/notifications", "/onboarding?component=account_management"):
            response = c.get(path)
            assert response.status_code == 403, path
            assert "not enabled" in response.json()["error"]["message"]
        assert c.get("/onboarding?component=payouts").status_code == 400


# --------------------------------------------------------------------------- onboarding


def test_onboarding_form_lists_what_is_due(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        form = c.get("/onboarding", params={"component": "account_onboarding"}).json()
    assert form["mode"] == "onboarding"
    assert form["account"] == {"id": account["id"], "name": "Acme Tools"}
    assert form["outstanding"] == len(due_now(get_account(api, account["id"])))
    names = input_names(form)
    assert {"identity.business_details.registered_name", "tos_acceptance"} <= names
    assert "bank_account.account_number" in names
    fields = {f["name"]: f for g in form["groups"] for f in g["inputs"]}
    # new fields are pre-filled with test data, as on the hosted form
    assert fields["identity.business_details.registered_name"]["value"] == "Gangway Test Co"
    assert fields["tos_acceptance"] == {
        **fields["tos_acceptance"],
        "type": "checkbox",
        "checked": True,
        "value": "accepted",
        "required": True,
    }
    assert form["groups"][0]["legend"] == "Business"


def test_submit_completes_onboarding_with_the_hosted_forms_events(
    emulator: EmulatorHandle, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    # the hosted form on one account...
    hosted = create_account(api)
    link = create_link(api, hosted["id"])
    _, page = open_form(emulator, link["url"])
    assert submit_form(emulator, page).status_code == 303
    # ...and the embedded one on another like it
    embedded = create_account(api)
    secret = session_secret(api, embedded["id"])
    with client(emulator, secret) as c:
        form = c.get("/onboarding").json()
        response = c.post(
            "/submit",
            json={
                "component": "account_onboarding",
                "action": "submit",
                "values": form_values(form),
            },
        )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "submitted"
    assert response.json()["form"]["outstanding"] == 0
    after = get_account(api, embedded["id"], ALL_INCLUDES)
    assert after["identity"]["business_details"]["registered_name"] == "Gangway Test Co"
    assert due_now(after) == []
    # Each account's verification finishes verification_delay after its submit, with events:
    # on a busy machine the first account's may have finished and the second's not yet.
    deadline = time.monotonic() + 10
    while True:
        hosted_types = [t for t in event_types(api, hosted["id"]) if "account_link" not in t]
        embedded_types = event_types(api, embedded["id"])
        if embedded_types == hosted_types or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert embedded_types == hosted_types
    assert "v2.core.account[requirements].updated" in hosted_types
    # and the webhook endpoint hears about it
    events = api.get("/v2/core/events", params={"object_id": embedded["id"], "limit": 100})
    ids = {e["id"] for e in events.json()["data"]}
    wait_until(lambda: ids <= set(receiver.event_ids()))
    # the banner has nothing to say any more
    with client(emulator, secret) as c:
        assert c.get("/notifications").json()["total"] == 0


def test_submit_with_missing_fields_returns_errors(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        form = c.get("/onboarding").json()
        values = form_values(form)
        values["identity.business_details.registered_name"] = ""
        values["tos_acceptance"] = ""
        response = c.post("/submit", json={"action": "submit", "values": values})
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["type"] == "invalid_request_error"
    errors = body["form"]["errors"]
    assert set(errors) == {"identity.business_details.registered_name", "tos_acceptance"}
    fields = {f["name"]: f for g in body["form"]["groups"] for f in g["inputs"]}
    assert (
        fields["identity.business_details.registered_name"]["error"]
        == errors["identity.business_details.registered_name"]
    )
    assert fields["tos_acceptance"]["checked"] is False
    # what was typed comes back
    assert (
        fields["identity.business_details.phone"]["value"]
        == values["identity.business_details.phone"]
    )
    assert event_types(api, account["id"]) == ["v2.core.account.created"]


def test_save_for_later_keeps_what_was_filled_in(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        response = c.post(
            "/submit",
            json={
                "action": "save",
                "values": {"identity.business_details.registered_name": "Saved Co"},
            },
        )
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    after = get_account(api, account["id"])
    assert after["identity"]["business_details"]["registered_name"] == "Saved Co"
    assert "identity.business_details.registered_name" not in descriptions(after)
    assert response.json()["form"]["outstanding"] == len(due_now(after))


def test_collection_options_shape_the_form(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api, PLATFORM_COLLECTED)
    secret = session_secret(
        api,
        account["id"],
        features={"components[account_onboarding][features][external_account_collection]": "false"},
    )
    with client(emulator, secret) as c:
        due = input_names(c.get("/onboarding").json())
        skipped = input_names(c.get("/onboarding", params={"skip_terms_of_service": "true"}).json())
        eventually = input_names(c.get("/onboarding", params={"fields": "eventually_due"}).json())
        bad = c.get("/onboarding", params={"fields": "everything"})
    # the platform collects the bank account itself
    assert "bank_account.account_number" not in due
    assert "tos_acceptance" in due
    assert "tos_acceptance" not in skipped
    assert "identity.business_details.annual_revenue" in eventually - due
    assert bad.status_code == 400


def test_an_account_that_must_use_embedded_components_can_update_its_information(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    """No dashboard and the platform liable for losses: Stripe wants such an account to update
    its information through embedded components. Account management edits what is on file."""
    account = create_account(api, PLATFORM_COLLECTED)
    control(emulator, f"/accounts/{account['id']}/submit")
    secret = session_secret(
        api,
        account["id"],
        features={
            "components[account_management][features][disable_stripe_user_authentication]": "true"
        },
    )
    with client(emulator, secret) as c:
        form = c.get("/onboarding", params={"component": "account_management"}).json()
        assert form["mode"] == "update"
        fields = {f["name"]: f for g in form["groups"] for f in g["inputs"]}
        assert fields["identity.business_details.phone"]["value"] == "+12015550123"
        # secrets on file are never shown
        ein = fields["identity.business_details.id_number"]
        assert ein["value"] == ""
        assert ein["hint"].startswith("On file, ending in")
        values = form_values(form)
        values["identity.business_details.phone"] = "+12015550199"
        response = c.post("/submit", json={"component": "account_management", "values": values})
    assert response.status_code == 200, response.text
    after = get_account(api, account["id"])
    assert after["identity"]["business_details"]["phone"] == "+12015550199"
    assert "v2.core.account[identity].updated" in event_types(api, account["id"])


# --------------------------------------------------------------------------- account management


def test_account_management_shows_and_changes_the_bank_account(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        before = c.get("/account").json()
        assert before["business_name"] == "Acme Tools"
        assert before["contact_email"] == "owner@example.com"
        assert before["bank_account"] is None
        assert [f["name"] for f in before["bank_fields"]] == [
            "bank_account.routing_number",
            "bank_account.account_number",
        ]
        missing = c.post("/external_account", json={"values": {"bank_account.account_number": "1"}})
        assert missing.status_code == 400
        assert set(missing.json()["errors"]) == {"bank_account.routing_number"}
        invalid = c.post(
            "/external_account",
            json={
                "values": {
                    "bank_account.routing_number": "110000000",
                    "bank_account.account_number": "abc",
                }
            },
        )
        assert invalid.status_code == 400
        assert "digits" in invalid.json()["errors"]["bank_account.account_number"]
        changed = c.post(
            "/external_account",
            json={
                "values": {
                    "bank_account.routing_number": "110000000",
                    "bank_account.account_number": "000999888777",
                }
            },
        )
    assert changed.status_code == 200, changed.text
    bank = changed.json()["bank_account"]
    assert bank["bank_account.account_number"] == {"label": "Account number", "last4": "8777"}
    assert "000999888777" not in changed.text
    assert "external_account" not in descriptions(get_account(api, account["id"]))


def test_bank_changes_need_external_account_collection(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api, PLATFORM_COLLECTED)
    secret = session_secret(
        api,
        account["id"],
        features={"components[account_management][features][external_account_collection]": "false"},
    )
    with client(emulator, secret) as c:
        assert c.get("/account").json()["external_account_collection"] is False
        response = c.post(
            "/external_account",
            json={
                "values": {
                    "bank_account.routing_number": "110000000",
                    "bank_account.account_number": "1",
                }
            },
        )
    assert response.status_code == 403


# --------------------------------------------------------------------------- notification banner


def test_banner_shows_a_notice_only_while_something_is_due(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        fresh = c.get("/notifications").json()
        assert (fresh["total"], fresh["action_required"]) == (1, 1)
        notice = fresh["notifications"][0]
        assert notice["status"] == "past_due"
        assert notice["severity"] == "action_required"
        # the banner resolves through the same form
        form = c.get("/onboarding", params={"component": "notification_banner"}).json()
        resolved = c.post(
            "/submit", json={"component": "notification_banner", "values": form_values(form)}
        )
        assert resolved.status_code == 200
        assert c.get("/notifications").json() == {
            "total": 0,
            "action_required": 0,
            "notifications": [],
        }
        # what is eventually due shows when the collection options ask for it
        later = c.get("/notifications", params={"fields": "eventually_due"}).json()
        assert later["total"] == 1
        assert later["notifications"][0]["status"] == "eventually_due"


def test_banner_for_upcoming_deadline(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api, MERCHANT_ACCOUNT)
    control(emulator, f"/accounts/{account['id']}/submit", {"provide": False})
    secret = session_secret(api, account["id"])
    with client(emulator, secret) as c:
        notice = c.get("/notifications").json()["notifications"][0]
    assert notice["status"] == "currently_due"
    assert notice["deadline"] is not None
    assert notice["deadline"][:10] in notice["description"]
