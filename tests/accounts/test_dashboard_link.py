"""``POST /api/account/dashboard-link``: single-use Express dashboard login links, through the
emulator over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tests.support.api import csrf_token, make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BffFactory

LINK = "/api/account/dashboard-link"
STRIPE_DASHBOARD = {"losses_collector": "stripe", "fees_collector": "stripe"}


@asynccontextmanager
async def _merchant_with_account(bff: FastAPI, email: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(bff) as client:
        await signup(client, email)
        created = await post(client, "/api/account", {"country": "US"})
        assert created.status_code == 201, created.text
        yield client


async def _login_links(emulator: EmulatorHandle, account_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
        response = await control.get("/_emulator/login_links", params={"account": account_id})
    assert response.status_code == 200, response.text
    body = response.json()
    links: list[dict[str, Any]] = body["data"] if isinstance(body, dict) else body
    return links


@pytest.fixture
async def express_bff(make_bff: BffFactory) -> FastAPI:
    return await make_bff(account_dashboard="express", **STRIPE_DASHBOARD)


async def test_an_express_account_gets_a_single_use_login_link(
    express_bff: FastAPI,
    emulator: EmulatorHandle,
    unique_email: Callable[[], str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with _merchant_with_account(express_bff, unique_email()) as client:
        account_id = (await client.get("/api/account")).json()["id"]
        response = await post(client, LINK, {})
        assert response.status_code == 201, response.text
        assert response.headers["cache-control"] == "no-store"
        url = response.json()["url"]
        assert set(response.json()) == {"url"}
        assert url.startswith(f"{emulator.base_url}/express/")
        links = await _login_links(emulator, account_id)
        assert len(links) == 1 and not links[0]["used"]
        # Nothing up to here (the BFF, the SDK, the emulator) logged the URL. (The browser's
        # own visit below is logged by the test's HTTP client and the emulator's server.)
        token = url.rsplit("/", 1)[-1]
        assert any(r.getMessage() == "accounts.dashboard_link.created" for r in caplog.records)
        for record in caplog.records:
            text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
            assert url not in text and token not in text, f"{record.name}: {record.getMessage()}"
        async with httpx.AsyncClient(timeout=10) as browser:
            assert (await browser.get(url)).status_code == 200
            assert (await browser.get(url)).status_code == 410  # single use
    token = url.rsplit("/", 1)[-1]
    async with express_bff.state.services.db.read() as session:
        for table in ["connected_accounts", "sessions", "rate_limits"]:
            rows = (await session.execute(sa.text(f"SELECT * FROM {table}"))).all()
            assert token not in repr(rows), table


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"account_dashboard": "none"}, "no Stripe dashboard"),
        ({"account_dashboard": "none", **STRIPE_DASHBOARD}, "no Stripe dashboard"),
        ({"account_dashboard": "full", **STRIPE_DASHBOARD}, "full Stripe Dashboard"),
    ],
)
async def test_other_accounts_get_409_with_the_reason(
    make_bff: BffFactory,
    emulator: EmulatorHandle,
    unique_email: Callable[[], str],
    settings: dict[str, Any],
    words: str,
) -> None:
    bff = await make_bff(**settings)
    async with _merchant_with_account(bff, unique_email()) as client:
        response = await post(client, LINK, {})
        assert response.status_code == 409
        problem = response.json()
        assert problem["type"].endswith("/no-express-dashboard")
        assert words in problem["detail"]
        account_id = (await client.get("/api/account")).json()["id"]
    assert await _login_links(emulator, account_id) == []


async def test_a_closed_express_account_gets_409(
    express_bff: FastAPI, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    async with _merchant_with_account(express_bff, unique_email()) as client:
        account_id = (await client.get("/api/account")).json()["id"]
        async with httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control:
            closed = await control.post(f"/_emulator/accounts/{account_id}/close", json={})
            assert closed.status_code == 200
        assert (await post(client, "/api/onboarding/sync", {})).status_code == 200
        response = await post(client, LINK, {})
        assert response.status_code == 409
        assert "closed" in response.json()["detail"]


async def test_session_csrf_and_account_are_required(
    express_bff: FastAPI, unique_email: Callable[[], str]
) -> None:
    async with make_client(express_bff) as anonymous:
        assert (await post(anonymous, LINK, {})).status_code == 401
    async with make_client(express_bff) as client:
        await signup(client, unique_email())
        missing = await post(client, LINK, {})
        assert missing.status_code == 404
        assert missing.json()["type"].endswith("/no-account")
        assert (await post(client, LINK, {"account": "acct_other"})).status_code in {404, 422}
        await post(client, "/api/account", {"country": "US"})
        assert (await client.post(LINK, json={})).status_code == 403  # no X-CSRF-Token


async def test_merchant_b_gets_links_only_for_their_own_account(
    express_bff: FastAPI, emulator: EmulatorHandle, unique_email: Callable[[], str]
) -> None:
    async with (
        _merchant_with_account(express_bff, unique_email()) as a,
        _merchant_with_account(express_bff, unique_email()) as b,
    ):
        a_id = (await a.get("/api/account")).json()["id"]
        b_id = (await b.get("/api/account")).json()["id"]
        assert (await post(b, LINK, {})).status_code == 201
    assert await _login_links(emulator, a_id) == []
    assert len(await _login_links(emulator, b_id)) == 1


async def test_dashboard_links_are_rate_limited_even_when_concurrent(
    make_bff: BffFactory, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(account_dashboard="express", links_per_minute=2, **STRIPE_DASHBOARD)
    async with _merchant_with_account(bff, unique_email()) as client:
        token = await csrf_token(client)
        responses = await asyncio.gather(
            *[client.post(LINK, json={}, headers={"X-CSRF-Token": token}) for _ in range(6)]
        )
        assert sorted(r.status_code for r in responses) == [201] * 2 + [429] * 4
        limited = next(r for r in responses if r.status_code == 429)
        assert limited.json()["type"].endswith("/dashboard-link-rate-limited")
        assert int(limited.headers["retry-after"]) > 0
