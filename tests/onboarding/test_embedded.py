"""Embedded onboarding: ``POST /api/onboarding/embedded-session``, the surface in the status,
``GET /api/config`` and the pages' Content-Security-Policy. The BFF and the emulator over real
HTTP; the Connect.js stand-in's JSON API plays the browser's part."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gangway.core.config import Settings
from gangway.core.web import content_security_policy
from tests.support.api import csrf_token, make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.polling import eventually
from tests.support.settings import BffFactory

SESSION = "/api/onboarding/embedded-session"
COMPONENTS = {"account_onboarding", "account_management", "notification_banner"}
#: Settings whose new accounts must use embedded components (no dashboard, Stripe liable).
MUST_EMBED: dict[str, Any] = {
    "account_dashboard": "none",
    "losses_collector": "stripe",
    "fees_collector": "stripe",
}


async def _account_id(client: httpx.AsyncClient) -> str:
    return str((await client.get("/api/account")).json()["id"])


async def _emulator_sessions(emulator: EmulatorHandle, account_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
        response = await control.get("/_emulator/account_sessions", params={"account": account_id})
    assert response.status_code == 200, response.text
    body = response.json()
    sessions: list[dict[str, Any]] = body["data"] if isinstance(body, dict) else body
    return sessions


async def _control(emulator: EmulatorHandle, path: str, body: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
        response = await control.post(path, json=body)
    assert response.status_code == 200, response.text


def _connect_js(emulator: EmulatorHandle, secret: str) -> httpx.AsyncClient:
    """What the Connect.js stand-in sends from the merchant's browser."""
    return httpx.AsyncClient(
        base_url=f"{emulator.base_url}/connect-js",
        headers={"Authorization": f"Bearer {secret}", "Origin": "http://127.0.0.1:8000"},
        timeout=10,
    )


def _form_values(form: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for group in form["groups"]:
        for field in group["inputs"]:
            if field["type"] == "checkbox":
                values[field["name"]] = field["value"] if field["checked"] else ""
            else:
                values[field["name"]] = field["value"]
    return values


# --- the session


async def test_a_session_for_your_own_account(
    onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    response = await post(onboarded_merchant, SESSION, {})
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"client_secret", "expires_at", "publishable_key", "components"}
    assert body["client_secret"].startswith("accs_secret__")
    assert body["publishable_key"] == "pk_test_gangway_emulator"
    assert set(body["components"]) == COMPONENTS
    for component in body["components"].values():
        assert component["enabled"] is True
        assert component["features"]["external_account_collection"] is True
        # the platform's defaults, as for links
        assert component["collection_options"] == {
            "fields": "eventually_due",
            "future_requirements": "omit",
        }
    sessions = await _emulator_sessions(emulator, await _account_id(onboarded_merchant))
    assert len(sessions) == 1
    assert set(sessions[0]["enabled"]) == COMPONENTS
    # The secret works with Connect.js for this account.
    async with _connect_js(emulator, body["client_secret"]) as connect:
        seen = await connect.get("/session")
    assert seen.status_code == 200, seen.text
    assert seen.json()["account"]["id"] == await _account_id(onboarded_merchant)


async def test_collection_options_follow_the_request(
    onboarded_merchant: httpx.AsyncClient,
) -> None:
    response = await post(
        onboarded_merchant, SESSION, {"collect": "currently_due", "future_requirements": "include"}
    )
    assert response.status_code == 201, response.text
    options = response.json()["components"]["account_onboarding"]["collection_options"]
    assert options == {"fields": "currently_due", "future_requirements": "include"}
    refused = await post(onboarded_merchant, SESSION, {"collect": "everything"})
    assert refused.status_code == 422


async def test_a_session_needs_a_signed_in_merchant_and_the_csrf_token(
    bff: Any, onboarded_merchant: httpx.AsyncClient
) -> None:
    async with make_client(bff) as anonymous:
        assert (await post(anonymous, SESSION, {})).status_code == 401
    no_token = await onboarded_merchant.post(SESSION, json={})
    assert no_token.status_code == 403
    token = await csrf_token(onboarded_merchant)
    cross_site = await onboarded_merchant.post(
        SESSION, json={}, headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403


async def test_merchant_b_never_gets_a_secret_for_as_account(
    bff: Any,
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    unique_email: Callable[[], str],
) -> None:
    mine = await _account_id(onboarded_merchant)
    async with make_client(bff) as other:
        await signup(other, unique_email())
        # No id is accepted: the session decides whose account it is.
        assert (await post(other, SESSION, {"account": mine})).status_code == 422
        without = await post(other, SESSION, {})
        assert without.status_code == 404
        assert without.json()["type"].endswith("/no-account")
        assert (await post(other, "/api/account", {"country": "US"})).status_code == 201
        theirs = await post(other, SESSION, {})
        assert theirs.status_code == 201
        async with _connect_js(emulator, theirs.json()["client_secret"]) as connect:
            seen = (await connect.get("/session")).json()
        assert seen["account"]["id"] == await _account_id(other) != mine
    assert await _emulator_sessions(emulator, mine) == []


async def test_the_secret_is_never_logged_or_stored(
    bff: Any, onboarded_merchant: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = (await post(onboarded_merchant, SESSION, {})).json()["client_secret"]
    assert any(r.getMessage() == "onboarding.embedded_session.created" for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
        assert secret not in text, f"{record.name}: {record.getMessage()}"
        assert secret.removeprefix("accs_secret__") not in text, record.name
    async with bff.state.services.db.read() as session:
        for table in ["connected_accounts", "link_audits", "sessions", "rate_limits"]:
            rows = (await session.execute(sa.text(f"SELECT * FROM {table}"))).all()
            assert secret not in repr(rows), table


async def test_sessions_are_rate_limited_even_when_concurrent(
    make_bff: BffFactory, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(links_per_minute=3)
    async with make_client(bff) as client:
        await signup(client, unique_email())
        assert (await post(client, "/api/account", {"country": "US"})).status_code == 201
        token = await csrf_token(client)
        responses = await asyncio.gather(
            *[client.post(SESSION, json={}, headers={"X-CSRF-Token": token}) for _ in range(8)]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] * 3 + [429] * 5
        limited = next(r for r in responses if r.status_code == 429)
        assert limited.json()["type"].endswith("/embedded-session-rate-limited")
        assert int(limited.headers["retry-after"]) > 0
        # A bucket of its own: links are still there to mint.
        assert (await post(client, "/api/onboarding/links", {})).status_code == 201


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("capability_status", {"code": "rejected_fraud"}, "rejected"),
        ("capability_status", {"code": "restricted_other"}, "contact support"),
        ("close", {}, "closed"),
    ],
)
async def test_no_session_when_nothing_can_help(
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    path: str,
    body: dict[str, Any],
    words: str,
) -> None:
    account_id = await _account_id(onboarded_merchant)
    await _control(emulator, f"/_emulator/accounts/{account_id}/{path}", body)
    assert (await post(onboarded_merchant, "/api/onboarding/sync", {})).status_code == 200
    refused = await post(onboarded_merchant, SESSION, {})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/no-link-can-help")
    assert words in problem["detail"]
    assert await _emulator_sessions(emulator, account_id) == []


# --- an account that must use embedded components: never a dead end


async def test_an_account_that_must_use_embedded_components_onboards_and_updates_in_the_page(
    make_bff: BffFactory, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(**MUST_EMBED, manual_sync_interval=0)
    async with make_client(bff) as client:
        await signup(client, unique_email())
        assert (await client.get("/api/onboarding/status")).json()["surface"] == "embedded"
        created = await post(client, "/api/account", {"country": "US", "business_type": "company"})
        assert created.status_code == 201, created.text
        assert created.json()["dashboard"] == "none"
        status = (await client.get("/api/onboarding/status")).json()
        assert status["surface"] == "embedded"
        action = status["next_action"]
        assert (action["kind"], action["surface"], action["component"]) == (
            "start",
            "embedded",
            "account_onboarding",
        )

        # Onboard inside the page: the session, then Connect.js submits the form.
        session = await post(
            client,
            SESSION,
            {"collect": action["collect"], "future_requirements": action["future_requirements"]},
        )
        assert session.status_code == 201, session.text
        secret = session.json()["client_secret"]
        async with _connect_js(emulator, secret) as connect:
            form = (await connect.get("/onboarding", params={"fields": "eventually_due"})).json()
            assert form["outstanding"] > 0
            submitted = await connect.post(
                "/submit",
                json={
                    "component": "account_onboarding",
                    "fields": "eventually_due",
                    "action": "submit",
                    "values": _form_values(form),
                },
            )
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "submitted"

        # onExit: the SPA tells the BFF, which re-reads the account; Stripe verifies shortly.
        exited = await post(client, "/api/onboarding/embedded-exit", {})
        assert exited.status_code == 200, exited.text

        async def synced() -> dict[str, Any]:
            body: dict[str, Any] = (await post(client, "/api/onboarding/sync", {})).json()
            return body

        done = await eventually(synced, lambda s: s.get("state") == "complete", what="complete")
        # Complete, nothing due: a hosted Stripe-collected account would have nothing to press
        # here (no account_update link, no dashboard). This one manages its information.
        action = done["next_action"]
        assert action is not None
        assert (action["kind"], action["surface"], action["component"]) == (
            "update",
            "embedded",
            "account_management",
        )
        update_link = await post(client, "/api/onboarding/links", {"use_case": "account_update"})
        assert update_link.status_code == 409
        again = await post(client, SESSION, {})
        assert again.status_code == 201, again.text

        # ...and it can update its information through account management.
        async with _connect_js(emulator, again.json()["client_secret"]) as connect:
            form = await connect.get("/onboarding", params={"component": "account_management"})
            values = _form_values(form.json())
            values["identity.business_details.phone"] = "+12015550199"
            changed = await connect.post(
                "/submit", json={"component": "account_management", "values": values}
            )
        assert changed.status_code == 200, changed.text
        async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
            account_id = await _account_id(client)
            account = (await control.get(f"/_emulator/accounts/{account_id}")).json()["account"]
        assert account["identity"]["business_details"]["phone"] == "+12015550199"
        assert account["dashboard"] == "none"
        assert account["defaults"]["responsibilities"]["losses_collector"] == "stripe"


async def test_hosted_accounts_keep_their_links(onboarded_merchant: httpx.AsyncClient) -> None:
    status = (await onboarded_merchant.get("/api/onboarding/status")).json()
    assert status["surface"] == "hosted"
    assert status["next_action"]["surface"] == "hosted"
    assert status["next_action"]["component"] is None


async def test_the_platform_can_put_every_account_on_embedded(
    make_bff: BffFactory, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(onboarding_surface="embedded")
    async with make_client(bff) as client:
        await signup(client, unique_email())
        await post(client, "/api/account", {"country": "US"})
        status = (await client.get("/api/onboarding/status")).json()
        assert status["surface"] == status["next_action"]["surface"] == "embedded"


# --- what the SPA reads before loading Connect.js, and the pages' policy


async def test_public_config_in_emulator_mode(bff: Any, emulator: EmulatorHandle) -> None:
    async with make_client(bff) as anonymous:
        response = await anonymous.get("/api/config")
    assert response.status_code == 200
    assert response.json() == {
        "publishable_key": "pk_test_gangway_emulator",
        "connect_js_url": f"{emulator.base_url}/connect-js/v1.js",
        "onboarding_surface": "auto",
    }


async def test_pages_allow_connect_embedded_components_and_the_emulator(
    bff: Any, emulator: EmulatorHandle
) -> None:
    async with make_client(bff) as client:
        policy = (await client.get("/api/config")).headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part.strip()}
    for name in ("script-src", "frame-src"):
        assert "https://connect-js.stripe.com" in directives[name]
        assert "https://js.stripe.com" in directives[name]
    assert "https://*.stripe.com" in directives["connect-src"]
    assert "https://*.stripe.com" in directives["img-src"]
    for name in ("script-src", "connect-src"):
        assert emulator.base_url in directives[name]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


def test_with_real_stripe_the_policy_names_no_emulator() -> None:
    real = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stripe_api_key="sk_test_real",
        stripe_publishable_key="pk_test_real",
    )
    policy = content_security_policy(real)
    assert "127.0.0.1" not in policy
    assert "https://connect-js.stripe.com" in policy
    assert real.connect_js_url is None
    assert real.publishable_key == "pk_test_real"
    emulated = content_security_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    assert "http://127.0.0.1:12111" in emulated
