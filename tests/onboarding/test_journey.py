"""The onboarding journey end to end: the BFF and the emulator over real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa

from gangway.accounts.models import AccountRequirement, ConnectedAccount
from tests.support.api import post
from tests.support.emulator_server import EmulatorHandle
from tests.support.hosted import open_form, submit


async def _db_requirements(bff: Any) -> list[AccountRequirement]:
    async with bff.state.services.db.read() as session:
        result = await session.execute(
            sa.select(AccountRequirement).where(AccountRequirement.kind == "current")
        )
        return list(result.scalars().all())


async def test_sign_up_to_resolved_requirements_and_refresh(
    bff: Any,
    merchant: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    emulator: EmulatorHandle,
) -> None:
    created = await post(merchant, "/api/account", {"country": "US", "business_type": "company"})
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["id"].startswith("acct_")
    assert (await merchant.get("/api/account")).json() == account
    assert len(await _db_requirements(bff)) > 0, "a new account has requirements due"

    minted = await post(merchant, "/api/onboarding/links", {})
    assert minted.status_code == 201, minted.text
    assert minted.headers["cache-control"] == "no-store"
    link = minted.json()
    assert link["use_case"] == "account_onboarding"
    assert link["url"].startswith(emulator.base_url)

    form = await open_form(browser, link["url"])
    done = await submit(browser, form)
    assert done.status_code in {302, 303}
    assert done.headers["location"] == "http://127.0.0.1:8000/connect/return"

    # The browser follows Stripe's redirect back to us, with its session cookie.
    await asyncio.sleep(0.3)  # past the emulator's verification delay
    back = await merchant.get("/connect/return")
    assert back.status_code == 303
    assert back.headers["location"] == "/onboarding"
    remaining = [r for r in await _db_requirements(bff) if r.awaiting_action_from == "user"]
    assert remaining == [], [r.description for r in remaining]
    status = (await merchant.get("/api/onboarding/status")).json()
    assert status["state"] in {"complete", "pending_verification"}

    # The used link (the Back button, say) sends the browser to refresh_url. With nothing left
    # to do at Stripe, refresh mints nothing: back to the dashboard with a notice, never a
    # fresh Stripe form.
    again = await browser.get(link["url"])
    assert again.status_code in {302, 303}
    assert again.headers["location"] == "http://127.0.0.1:8000/connect/refresh"
    refreshed = await merchant.get("/connect/refresh")
    assert refreshed.status_code == 303
    assert refreshed.headers["location"] == "/onboarding?notice=nothing-to-do"
    assert refreshed.headers["cache-control"] == "no-store"


async def test_up_front_collection_asks_for_more_than_incremental(
    onboarded_merchant: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    up_front = await post(
        onboarded_merchant, "/api/onboarding/links", {"collect": "eventually_due"}
    )
    incremental = await post(
        onboarded_merchant, "/api/onboarding/links", {"collect": "currently_due"}
    )
    assert up_front.status_code == incremental.status_code == 201
    more = (await open_form(browser, up_front.json()["url"])).field_names
    fewer = (await open_form(browser, incremental.json()["url"])).field_names
    assert fewer < more, (sorted(fewer), sorted(more))


async def test_account_creation_is_idempotent(
    onboarded_merchant: httpx.AsyncClient, bff: Any
) -> None:
    again = await post(onboarded_merchant, "/api/account", {"country": "US"})
    assert again.status_code == 200
    async with bff.state.services.db.read() as session:
        count = (
            await session.execute(sa.select(sa.func.count()).select_from(ConnectedAccount))
        ).scalar_one()
    assert count == 1


async def test_twenty_concurrent_creates_make_one_account(
    merchant: httpx.AsyncClient, bff: Any, emulator: EmulatorHandle
) -> None:
    token = (await merchant.get("/api/auth/session")).json()["csrf_token"]
    responses = await asyncio.gather(
        *(
            merchant.post("/api/account", json={"country": "US"}, headers={"X-CSRF-Token": token})
            for _ in range(20)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 201}, [
        r.text for r in responses if r.status_code not in {200, 201}
    ]
    assert len({r.json()["id"] for r in responses}) == 1
    async with bff.state.services.db.read() as session:
        count = (
            await session.execute(sa.select(sa.func.count()).select_from(ConnectedAccount))
        ).scalar_one()
    assert count == 1
    async with httpx.AsyncClient() as raw:
        listed = (
            await raw.get(f"{emulator.base_url}/v2/core/accounts", headers=emulator.auth_headers)
        ).json()
    assert len(listed["data"]) == 1, "Stripe holds exactly one account"


async def test_no_account_yet(merchant: httpx.AsyncClient) -> None:
    response = await merchant.get("/api/account")
    assert response.status_code == 404
    assert response.json()["type"].endswith("/no-account")
    minted = await post(merchant, "/api/onboarding/links", {})
    assert minted.status_code == 404
    status = (await merchant.get("/api/onboarding/status")).json()
    assert status["state"] == "no_account"
    assert status["next_action"] is None
