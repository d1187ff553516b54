"""Caches stay coherent across processes: two BFF processes on one PostgreSQL database, each
with its own status and session caches, warmed before every change. Each change must show in
the very next read on both processes: a webhook-applied status change, a sign-out, a session
expiry, and a new link."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from gangway.core.db import Database, create_engine, utcnow
from tests.support.api import post, signup
from tests.support.bff_server import BffProcess, bff_env, start_bff_process
from tests.support.database import TestDatabase
from tests.support.emulator_server import EmulatorHandle
from tests.support.polling import eventually
from tests.support.webhooks import SECRET, deliver, notification

pytestmark = pytest.mark.postgres_only

SETTINGS: dict[str, Any] = {
    "stripe_webhook_secrets": [SECRET],
    "stripe_max_network_retries": 0,
    "inbox_poll_seconds": 0.05,
    "reconcile_interval_seconds": 0,
    "session_cache_seconds": 300,  # long: only announcements and times may end an entry
}


@pytest.fixture
async def database(migrated_db: TestDatabase) -> AsyncIterator[Database]:
    db = Database(create_engine(migrated_db.url, schema=migrated_db.schema))
    yield db
    await db.dispose()


@pytest.fixture
def start_pair(
    migrated_db: TestDatabase, emulator: EmulatorHandle, tmp_path: Path
) -> Iterator[Callable[..., tuple[BffProcess, BffProcess]]]:
    started: list[BffProcess] = []

    def start(**overrides: Any) -> tuple[BffProcess, BffProcess]:
        env = bff_env(
            migrated_db,
            stripe_api_key=emulator.api_key,
            stripe_api_base=emulator.base_url,
            **{**SETTINGS, **overrides},
        )
        pair = (
            start_bff_process(env, tmp_path / "a.log"),
            start_bff_process(env, tmp_path / "b.log"),
        )
        started.extend(pair)
        return pair

    yield start
    for bff in started:
        bff.stop()


def _client(url: str, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url, cookies=cookies, headers={"Sec-Fetch-Site": "same-origin"}, timeout=10
    )


async def _merchant(url: str, email: str, *, account: bool = True) -> httpx.AsyncClient:
    client = _client(url)
    await signup(client, email)
    if account:
        created = await post(client, "/api/account", {"country": "US"})
        assert created.status_code == 201, created.text
    return client


async def _status(client: httpx.AsyncClient) -> httpx.Response:
    response = await client.get("/api/onboarding/status")
    assert response.status_code == 200, response.text
    return response


async def test_a_webhook_applied_change_shows_in_the_next_read_on_every_process(
    start_pair: Callable[..., tuple[BffProcess, BffProcess]],
    unique_email: Callable[[], str],
) -> None:
    a, b = start_pair(inbox_workers=1)
    on_a = await _merchant(a.url, unique_email())
    async with contextlib.aclosing(on_a), _client(b.url, on_a.cookies) as on_b:
        account_id = (await on_a.get("/api/account")).json()["id"]
        for _ in range(3):  # both processes' caches hold the status
            before = await _status(on_a)
            assert (await _status(on_b)).json() == before.json()
        etag = before.headers["etag"]
        async with _client(a.url) as stripe:
            assert (await deliver(stripe, notification(account_id))).status_code == 200
        # Process A applies it (an inbox worker re-reads the account from Stripe).
        changed = await eventually(
            lambda: _status(on_a),
            lambda r: r.headers["etag"] != etag,
            what="the webhook's change on process A",
        )
        assert changed.json()["synced_at"] != before.json()["synced_at"]
        # The very next read on B, which had the old status cached, sees it.
        on_b_now = await on_b.get("/api/onboarding/status", headers={"If-None-Match": etag})
        assert on_b_now.status_code == 200
        assert on_b_now.headers["etag"] == changed.headers["etag"]
        assert on_b_now.json() == changed.json()


async def test_a_sign_out_is_refused_at_once_on_every_process(
    start_pair: Callable[..., tuple[BffProcess, BffProcess]],
    unique_email: Callable[[], str],
) -> None:
    a, b = start_pair(inbox_workers=0)
    on_a = await _merchant(a.url, unique_email())
    async with contextlib.aclosing(on_a), _client(b.url, on_a.cookies) as on_b:
        for _ in range(3):
            await _status(on_a)
            await _status(on_b)
        assert (await post(on_a, "/api/auth/logout")).status_code == 204
        # Another tab with the same cookie, on the other process: refused on the next read.
        async with _client(b.url, on_a.cookies) as again:
            assert (await again.get("/api/onboarding/status")).status_code == 401
        assert (await on_b.get("/api/auth/session")).json()["merchant"] is None


async def test_session_expiry_is_honoured_on_every_process(
    start_pair: Callable[..., tuple[BffProcess, BffProcess]],
    unique_email: Callable[[], str],
) -> None:
    # Idle timeout 4 s: touches are written at most every second (a quarter of it).
    a, b = start_pair(inbox_workers=0, session_idle_timeout=4, session_absolute_timeout=10)
    on_a = await _merchant(a.url, unique_email(), account=False)
    async with contextlib.aclosing(on_a), _client(b.url, on_a.cookies) as on_b:
        await on_a.get("/api/auth/session")
        # Activity on B alone keeps the session alive on A too, though A's cached copy of it
        # has an older last activity: A asks the database before refusing.
        for _ in range(12):
            assert (await on_b.get("/api/auth/session")).json()["merchant"] is not None
            await asyncio.sleep(0.5)
        assert (await on_a.get("/api/auth/session")).json()["merchant"] is not None
        # Left idle: refused everywhere once the idle timeout has passed, to the second.
        body = (await on_b.get("/api/auth/session")).json()
        ends = datetime.fromisoformat(body["expires_at"])
        await asyncio.sleep(max(0.0, (ends - utcnow()).total_seconds()) + 0.2)
        assert (await on_a.get("/api/onboarding/status")).status_code == 401
        assert (await on_b.get("/api/onboarding/status")).status_code == 401


async def test_the_absolute_expiry_is_honoured_from_the_cache(
    start_pair: Callable[..., tuple[BffProcess, BffProcess]],
    unique_email: Callable[[], str],
) -> None:
    a, b = start_pair(inbox_workers=0, session_absolute_timeout=8)
    on_a = await _merchant(a.url, unique_email(), account=False)
    async with contextlib.aclosing(on_a), _client(b.url, on_a.cookies) as on_b:
        for client in (on_a, on_b):
            assert (await client.get("/api/auth/session")).json()["merchant"] is not None
        ends = datetime.fromisoformat((await on_a.get("/api/auth/session")).json()["expires_at"])
        await asyncio.sleep(max(0.0, (ends - utcnow()).total_seconds() - 2))
        for client in (on_a, on_b):  # still live shortly before, from the cache
            assert (await client.get("/api/auth/session")).json()["merchant"] is not None
        await asyncio.sleep(max(0.0, (ends - utcnow()).total_seconds()) + 0.05)
        for client in (on_b, on_a):
            assert (await client.get("/api/auth/session")).json()["merchant"] is None


async def test_a_new_link_is_seen_by_the_next_read_on_every_process(
    start_pair: Callable[..., tuple[BffProcess, BffProcess]],
    unique_email: Callable[[], str],
    database: Database,
) -> None:
    a, b = start_pair(inbox_workers=0)
    on_a = await _merchant(a.url, unique_email())
    async with contextlib.aclosing(on_a), _client(b.url, on_a.cookies) as on_b:
        for _ in range(3):
            assert (await _status(on_a)).json() == (await _status(on_b)).json()
        minted = await post(
            on_a,
            "/api/onboarding/links",
            {"collect": "currently_due", "future_requirements": "omit"},
        )
        assert minted.status_code == 201, minted.text
        # B's next refresh re-mints with the parameters of the link A just minted.
        refreshed = await on_b.get("/connect/refresh", follow_redirects=False)
        assert refreshed.status_code == 303, refreshed.text
        async with database.read() as session:
            rows = (
                await session.execute(
                    sa.text("SELECT source, collect FROM link_audits ORDER BY id")
                )
            ).all()
        assert [tuple(r) for r in rows] == [("api", "currently_due"), ("refresh", "currently_due")]
        # And both processes show the same status after it.
        assert (await _status(on_a)).json() == (await _status(on_b)).json()
