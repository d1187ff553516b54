"""The security rules of DESIGN.md for accounts and links, each with a test that would catch it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gangway.onboarding.models import LinkAudit
from tests.support.account_state import audit_rows
from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.hosted import open_form, submit
from tests.support.settings import BffFactory


async def _audit_count(bff: Any) -> int:
    async with bff.state.services.db.read() as session:
        return int(
            (await session.execute(sa.select(sa.func.count()).select_from(LinkAudit))).scalar_one()
        )


async def test_another_merchant_can_never_reach_this_account(
    bff: Any, onboarded_merchant: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    mine = (await onboarded_merchant.get("/api/account")).json()
    async with make_client(bff) as other:
        await signup(other, unique_email())
        assert (await other.get("/api/account")).status_code == 404
        # Passing our account id anywhere is refused or ignored: no endpoint takes one.
        minted = await post(other, "/api/onboarding/links", {"account": mine["id"]})
        assert minted.status_code == 422
        minted = await post(other, "/api/onboarding/links", {})
        assert minted.status_code == 404
        status = (await other.get("/api/onboarding/status")).json()
        assert status["state"] == "no_account"
        assert (await other.get("/connect/refresh")).headers["location"].startswith("/onboarding")
    assert await _audit_count(bff) == 0


def test_no_endpoint_accepts_an_account_or_merchant_id() -> None:
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parents[2] / "openapi.json").read_text())
    for path, methods in schema["paths"].items():
        assert "{" not in path, f"{path} takes an identifier from the client"
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                assert "account" not in parameter["name"] and "merchant" not in parameter["name"]
    for name, component in schema["components"]["schemas"].items():
        if name.endswith(("Create", "Request")):
            for prop in component.get("properties", {}):
                assert "account" not in prop and "merchant" not in prop, (name, prop)


async def test_unauthenticated_refresh_mints_nothing(
    bff: Any, onboarded_merchant: httpx.AsyncClient
) -> None:
    async with make_client(bff) as previewer:  # e.g. a chat app unfurling the link
        response = await previewer.get("/connect/refresh")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/onboarding"
        back = await previewer.get("/connect/return")
        assert back.headers["location"] == "/login?next=/onboarding"
    assert await _audit_count(bff) == 0


async def test_forged_host_header_does_not_change_stripe_urls(
    onboarded_merchant: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    minted = await post(
        onboarded_merchant,
        "/api/onboarding/links",
        {},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert minted.status_code == 201
    form = await open_form(browser, minted.json()["url"])
    saved = await submit(browser, form, action="save")
    assert saved.headers["location"] == "http://127.0.0.1:8000/connect/return"
    reused = await browser.get(minted.json()["url"])
    assert reused.headers["location"] == "http://127.0.0.1:8000/connect/refresh"


async def test_link_urls_never_reach_the_logs(
    onboarded_merchant: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    minted = await post(onboarded_merchant, "/api/onboarding/links", {})
    refreshed = await onboarded_merchant.get("/connect/refresh")
    urls = [minted.json()["url"], refreshed.headers["location"]]
    tokens = [url.rsplit("/", 1)[-1] for url in urls]
    assert caplog.records, "the test captured the app's logs"
    for record in caplog.records:
        text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
        for secret in urls + tokens:
            assert secret not in text, f"{record.name}: {record.getMessage()}"


async def test_link_responses_are_never_cached(onboarded_merchant: httpx.AsyncClient) -> None:
    minted = await post(onboarded_merchant, "/api/onboarding/links", {})
    assert minted.headers["cache-control"] == "no-store"
    refreshed = await onboarded_merchant.get("/connect/refresh")
    assert refreshed.headers["cache-control"] == "no-store"
    assert refreshed.headers["referrer-policy"] == "no-referrer"


async def test_link_url_is_not_stored(bff: Any, onboarded_merchant: httpx.AsyncClient) -> None:
    url = (await post(onboarded_merchant, "/api/onboarding/links", {})).json()["url"]
    token = url.rsplit("/", 1)[-1]
    async with bff.state.services.db.read() as session:
        tables = ["link_audits", "connected_accounts", "sessions", "account_requirements"]
        for table in tables:
            rows = (await session.execute(sa.text(f"SELECT * FROM {table}"))).all()
            assert token not in repr(rows), table
    audit = await _audit_count(bff)
    assert audit == 1


async def test_account_update_refused_when_stripe_collects(
    make_bff: BffFactory,
    unique_email: Callable[[], str],
) -> None:
    bff = await make_bff(
        account_dashboard="express", losses_collector="stripe", fees_collector="stripe"
    )
    async with make_client(bff) as client:
        await signup(client, unique_email())
        assert (await post(client, "/api/account", {"country": "US"})).status_code == 201
        response = await post(client, "/api/onboarding/links", {"use_case": "account_update"})
        assert response.status_code == 409
        assert response.json()["type"].endswith("/account-update-not-allowed")
        assert "Stripe dashboard" in response.json()["detail"]
        assert (await post(client, "/api/onboarding/links", {})).status_code == 201


async def test_links_are_rate_limited_per_merchant(
    make_bff: BffFactory,
    unique_email: Callable[[], str],
) -> None:
    bff = await make_bff(links_per_minute=3)
    async with make_client(bff) as client:
        await signup(client, unique_email())
        await post(client, "/api/account", {"country": "US"})
        statuses = [(await post(client, "/api/onboarding/links", {})).status_code for _ in range(4)]
        assert statuses == [201, 201, 201, 429]
        limited = await post(client, "/api/onboarding/links", {})
        assert int(limited.headers["retry-after"]) > 0


async def test_refresh_loop_ends_on_the_dashboard(
    onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    await post(onboarded_merchant, "/api/onboarding/links", {"collect": "currently_due"})
    locations = [
        (await onboarded_merchant.get("/connect/refresh")).headers["location"] for _ in range(4)
    ]
    assert all(loc.startswith(emulator.base_url) for loc in locations[:3])
    assert locations[3] == "/onboarding?notice=refresh_loop"


async def test_the_audit_records_stripe_expiry_and_the_first_link(
    bff: Any, onboarded_merchant: httpx.AsyncClient
) -> None:
    """Each row gets the expiry Stripe gave its link (recorded just after the answer), and the
    account remembers when its first link was minted."""
    first = (await post(onboarded_merchant, "/api/onboarding/links", {})).json()
    second = (await post(onboarded_merchant, "/api/onboarding/links", {})).json()
    rows = await audit_rows(bff.state.services.db)
    async with bff.state.services.db.read() as session:
        first_link_at = (
            await session.execute(sa.text("SELECT first_link_at FROM connected_accounts"))
        ).scalar_one()
    assert [r.expires_at for r in rows] == [
        datetime.fromisoformat(first["expires_at"]),
        datetime.fromisoformat(second["expires_at"]),
    ]
    assert first_link_at is not None


async def test_refresh_repeats_the_latest_parameters(
    bff: Any, onboarded_merchant: httpx.AsyncClient
) -> None:
    await post(
        onboarded_merchant,
        "/api/onboarding/links",
        {
            "collect": "currently_due",
            "future_requirements": "include",
            "use_case": "account_update",
        },
    )
    await onboarded_merchant.get("/connect/refresh")
    rows = await audit_rows(bff.state.services.db)
    assert [(r.use_case, r.collect, r.future_requirements, r.source) for r in rows] == [
        ("account_update", "currently_due", "include", "api"),
        ("account_update", "currently_due", "include", "refresh"),
    ]
