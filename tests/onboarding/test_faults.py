"""Stripe failing in every way the emulator can: clear problems, never a 500 or a second account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from gangway.core.db import Database
from tests.support.account_state import audit_rows
from tests.support.api import make_client, post, signup
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import BASE_URL, BffFactory


def _fault(emulator: EmulatorHandle, **fault: Any) -> None:
    response = httpx.post(f"{emulator.base_url}/_emulator/faults", json=fault)
    response.raise_for_status()


def _stripe_accounts(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    response = httpx.get(f"{emulator.base_url}/v2/core/accounts", headers=emulator.auth_headers)
    data: list[dict[str, Any]] = response.json()["data"]
    return data


FAULTS = [
    pytest.param({"status": 429}, 429, "stripe-rate-limited", id="429"),
    pytest.param({"status": 500}, 503, "stripe-unavailable", id="500"),
    pytest.param({"status": 503}, 503, "stripe-unavailable", id="503"),
    pytest.param({"drop": True}, 503, "stripe-unavailable", id="dropped"),
    pytest.param({"latency_ms": 3000}, 503, "stripe-unavailable", id="timeout"),
]


@pytest.mark.parametrize(("fault", "status", "slug"), FAULTS)
async def test_faults_during_account_creation(
    merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    fault: dict[str, Any],
    status: int,
    slug: str,
) -> None:
    _fault(emulator, count=1, paths=["/v2/core/accounts"], **fault)
    failed = await post(merchant, "/api/account", {"country": "US"})
    assert failed.status_code == status, failed.text
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.json()["type"].endswith(f"/{slug}")
    assert int(failed.headers["retry-after"]) >= 1
    # The merchant tries again: one account, whatever Stripe did with the first attempt.
    retried = await post(merchant, "/api/account", {"country": "US"})
    assert retried.status_code in {200, 201}, retried.text
    assert len(_stripe_accounts(emulator)) == 1


@pytest.mark.parametrize(("fault", "status", "slug"), FAULTS)
async def test_faults_while_minting(
    bff: FastAPI,
    onboarded_merchant: httpx.AsyncClient,
    emulator: EmulatorHandle,
    fault: dict[str, Any],
    status: int,
    slug: str,
) -> None:
    _fault(emulator, count=1, paths=["/v2/core/account_links"], **fault)
    failed = await post(onboarded_merchant, "/api/onboarding/links", {})
    assert failed.status_code == status, failed.text
    assert failed.json()["type"].endswith(f"/{slug}")
    assert "url" not in failed.json()
    # The audit row written while Stripe was called went again: no link was answered.
    assert await audit_rows(bff.state.services.db) == []
    ok = await post(onboarded_merchant, "/api/onboarding/links", {})
    assert ok.status_code == 201
    assert len(_stripe_accounts(emulator)) == 1
    [row] = await audit_rows(bff.state.services.db)
    assert row.expires_at is not None


async def _refuse(db: Database, event: str) -> str:
    """Make every ``event`` (INSERT, UPDATE) on link_audits fail; the statement undoing it."""
    async with db.write() as session:
        if db.engine.dialect.name == "postgresql":
            await session.execute(
                sa.text(
                    "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql "
                    "AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$"
                )
            )
            await session.execute(
                sa.text(
                    f"CREATE TRIGGER refuse_audit BEFORE {event} ON link_audits "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                )
            )
            return "DROP TRIGGER refuse_audit ON link_audits"
        await session.execute(
            sa.text(
                f"CREATE TRIGGER refuse_audit BEFORE {event} ON link_audits "
                "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            )
        )
        return "DROP TRIGGER refuse_audit"


async def test_no_link_is_answered_without_its_audit_row(
    bff: FastAPI, onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    """The audit row is written while Stripe mints the link: if it fails, the link stays here."""
    db = bff.state.services.db
    allow = await _refuse(db, "INSERT")
    # The failure is ours (an unexpected database error): answered as a problem, never raised.
    transport = httpx.ASGITransport(app=bff, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport,
        base_url=BASE_URL,
        headers={"Sec-Fetch-Site": "same-origin"},
        cookies=onboarded_merchant.cookies,
    ) as same_merchant:
        refused = await post(same_merchant, "/api/onboarding/links", {})
        assert refused.status_code == 500
        assert refused.headers["content-type"] == "application/problem+json"
        assert "url" not in refused.json()
        assert emulator.base_url not in refused.text
    async with db.write() as session:
        await session.execute(sa.text(allow))
    assert (await post(onboarded_merchant, "/api/onboarding/links", {})).status_code == 201
    assert len(await audit_rows(bff.state.services.db)) == 1


async def test_an_expiry_that_cannot_be_recorded_is_logged_not_raised(
    bff: FastAPI, onboarded_merchant: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Stripe's expiry is written after the answer: the merchant has the link either way."""
    await _refuse(bff.state.services.db, "UPDATE")
    minted = await post(onboarded_merchant, "/api/onboarding/links", {})
    assert minted.status_code == 201
    [row] = await audit_rows(bff.state.services.db)
    assert row.expires_at is None
    assert "onboarding.link.expiry_not_recorded" in [r.getMessage() for r in caplog.records]


async def test_network_retries_absorb_a_single_failure(
    make_bff: BffFactory,
    emulator: EmulatorHandle,
    unique_email: Callable[[], str],
) -> None:
    bff = await make_bff(stripe_max_network_retries=2)
    async with make_client(bff) as client:
        await signup(client, unique_email())
        _fault(emulator, count=1, status=503, paths=["/v2/core/accounts"])
        response = await post(client, "/api/account", {"country": "US"})
    assert response.status_code == 201, response.text
    assert len(_stripe_accounts(emulator)) == 1


async def test_refresh_during_an_outage_explains_instead_of_failing(
    onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    _fault(emulator, count=1, status=500, paths=["/v2/core/account_links"])
    response = await onboarded_merchant.get("/connect/refresh")
    assert response.status_code == 303
    assert response.headers["location"] == "/onboarding?notice=stripe-unavailable"


async def test_return_during_an_outage_keeps_the_cached_state(
    onboarded_merchant: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    before = (await onboarded_merchant.get("/api/onboarding/status")).json()
    _fault(emulator, count=1, status=500, paths=["/v2/core/accounts"])
    response = await onboarded_merchant.get("/connect/return")
    assert response.status_code == 303
    assert response.headers["location"] == "/onboarding"
    after = (await onboarded_merchant.get("/api/onboarding/status")).json()
    assert after["version"] == before["version"]
    assert after["synced_at"] == before["synced_at"]
