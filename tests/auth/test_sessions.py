"""Session cookies, rotation, revocation and expiry."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from gangway.auth.models import AuthSession
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from tests.support.api import STRONG_PASSWORD, make_client, post, signup


def _cookie_header(response: httpx.Response) -> str:
    headers = response.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    return headers[0]


async def _signup(client: httpx.AsyncClient, email: str) -> httpx.Response:
    response = await post(
        client,
        "/api/auth/signup",
        {"email": email, "password": STRONG_PASSWORD, "business_name": "Acme"},
    )
    assert response.status_code == 201, response.text
    return response


async def test_session_cookie_attributes_over_http(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    response = await _signup(client, unique_email())
    cookie = _cookie_header(response)
    name, _, rest = cookie.partition("=")
    assert name == "gangway_session"
    attrs = {part.strip().split("=")[0].lower() for part in rest.split(";")[1:]}
    assert {"httponly", "path", "samesite"} <= attrs
    assert "samesite=lax" in cookie.lower()
    assert "path=/" in cookie.lower()
    assert "secure" not in attrs
    assert "domain" not in attrs
    assert response.headers["cache-control"] == "no-store"
    # 256 bits of randomness, URL-safe base64: 43 characters.
    token = rest.split(";")[0]
    assert len(token) >= 43


async def test_anonymous_visitors_store_nothing(client: httpx.AsyncClient, app: Any) -> None:
    """GET /api/auth/session before sign-in: a CSRF cookie, no session row, no session cookie."""
    for _ in range(5):
        response = await client.get("/api/auth/session")
        assert response.status_code == 200
        assert response.json()["merchant"] is None
    cookie = _cookie_header(response)
    assert cookie.startswith("gangway_csrf=")
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert "gangway_session" not in response.cookies
    # The visitor keeps one token across reads (the cookie carries it).
    assert response.json()["csrf_token"] == response.cookies["gangway_csrf"]
    db: Database = app.state.services.db
    async with db.read() as session:
        rows = (await session.execute(sa.text("SELECT count(*) FROM sessions"))).scalar_one()
    assert rows == 0


async def test_session_cookie_is_secure_host_prefixed_over_https(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(public_base_url="https://app.example.com"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="https://app.example.com",
        headers={"Sec-Fetch-Site": "same-origin"},
    ) as client:
        anonymous = await client.get("/api/auth/session")
        csrf_cookie = _cookie_header(anonymous)
        assert csrf_cookie.startswith("__Host-gangway_csrf=")
        assert "; secure" in csrf_cookie.lower()
        response = await _signup(client, unique_email())
    cookie = _cookie_header(response)
    assert cookie.startswith("__Host-gangway_session=")
    lowered = cookie.lower()
    assert "; secure" in lowered
    assert "; httponly" in lowered
    assert "samesite=lax" in lowered
    assert "path=/" in lowered
    assert "domain=" not in lowered
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_only_the_token_hash_is_stored(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    response = await _signup(client, unique_email())
    token = response.cookies["gangway_session"]
    db: Database = app.state.services.db
    async with db.read() as session:
        stored = (await session.execute(sa.text("SELECT token_hash FROM sessions"))).scalars().all()
    assert len(stored) == 1
    assert token not in stored[0]
    assert len(stored[0]) == 64


async def test_login_rotates_the_session(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    first = await _signup(client, email)
    old_token = first.cookies["gangway_session"]
    old_csrf = first.json()["csrf_token"]
    # Signing in again (a planted or stale session, say) gives a brand-new session...
    login = await client.post(
        "/api/auth/login",
        json={"email": email, "password": STRONG_PASSWORD},
        headers={"X-CSRF-Token": old_csrf},
    )
    assert login.status_code == 200, login.text
    new_token = login.cookies["gangway_session"]
    assert new_token != old_token
    assert login.json()["csrf_token"] != old_csrf
    assert login.json()["merchant"]["email"] == email
    # ...and the old cookie is no longer a session at all.
    async with make_client(app, cookies={"gangway_session": old_token}) as stale:
        me = await stale.get("/api/auth/session")
        assert me.json()["merchant"] is None
        assert (await stale.get("/api/account")).status_code == 401


async def test_logout_revokes_the_session(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    await signup(client, unique_email())
    token = client.cookies["gangway_session"]
    session = await client.get("/api/auth/session")
    assert session.json()["merchant"] is not None
    response = await post(client, "/api/auth/logout")
    assert response.status_code == 204
    async with make_client(app, cookies={"gangway_session": token}) as old:
        response = await old.get("/api/account")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert (await old.get("/api/auth/session")).json()["merchant"] is None


async def _age_session(app: Any, column: str, by: timedelta) -> None:
    db: Database = app.state.services.db
    async with db.write() as session:
        await session.execute(sa.update(AuthSession).values({column: utcnow() - by}))


async def test_idle_timeout_is_enforced_server_side(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(session_idle_timeout=timedelta(minutes=10)))
    async with make_client(app) as client:
        await signup(client, unique_email())
        assert (await client.get("/api/auth/session")).json()["merchant"] is not None
        await _age_session(app, "last_seen_at", timedelta(minutes=11))
        assert (await client.get("/api/account")).status_code == 401


async def test_activity_keeps_an_idle_session_alive(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(session_idle_timeout=timedelta(minutes=10)))
    async with make_client(app) as client:
        await signup(client, unique_email())
        await _age_session(app, "last_seen_at", timedelta(minutes=9))
        assert (await client.get("/api/auth/session")).json()["merchant"] is not None
        # The request above touched the session, so it is fresh again.
        assert (await client.get("/api/auth/session")).json()["merchant"] is not None


async def test_absolute_timeout_is_enforced_server_side(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    await signup(client, unique_email())
    await _age_session(app, "expires_at", timedelta(seconds=1))
    response = await client.get("/api/account")
    assert response.status_code == 401
    db: Database = app.state.services.db
    async with db.read() as session:
        count = (await session.execute(sa.text("SELECT count(*) FROM sessions"))).scalar_one()
    assert count == 0, "an expired session row is deleted when it is seen"


async def test_session_endpoint_reports_expiry(
    client: httpx.AsyncClient, settings: Settings, unique_email: Callable[[], str]
) -> None:
    body = await signup(client, unique_email())
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires - utcnow() <= settings.session_idle_timeout
    assert expires - utcnow() > settings.session_idle_timeout - timedelta(minutes=1)


async def _signed_in_token(app: Any, client: httpx.AsyncClient, email: str) -> str:
    await _signup(client, email)
    token = client.cookies.get(app.state.services.settings.session_cookie_name)
    assert token
    return str(token)


def _counting_reads(
    monkeypatch: Any, gate: asyncio.Event | None = None, arrived: asyncio.Event | None = None
) -> list[str]:
    """Count the database reads of a session by its token hash; each one sets ``arrived``,
    then waits for ``gate``."""
    from gangway.auth import repository

    reads: list[str] = []
    real = repository.session_by_token_hash

    async def counted(session: Any, token_hash: str) -> Any:
        reads.append(token_hash)
        if arrived is not None:
            arrived.set()
        if gate is not None:
            await gate.wait()
        return await real(session, token_hash)

    monkeypatch.setattr(repository, "session_by_token_hash", counted)
    return reads


async def test_requests_that_miss_a_session_together_share_one_read(
    app: Any, client: httpx.AsyncClient, unique_email: Callable[[], str], monkeypatch: Any
) -> None:
    """At the cache's expiry, 50 connections asking at once were 50 reads (and 50 writes when
    the activity stamp was due): a p99 of 100-125 ms on a 9 ms read."""
    auth = app.state.services.auth
    token = await _signed_in_token(app, client, unique_email())
    auth.cache.forget_all()  # what the cache's expiry does
    reads = _counting_reads(monkeypatch)
    loaded = await asyncio.gather(*(auth.load_session(token) for _ in range(50)))
    assert len(reads) == 1
    assert {live.row.id for live in loaded if live is not None} == {loaded[0].row.id}
    assert all(live is not None for live in loaded)


async def test_a_read_begun_before_a_revocation_is_not_shared_after_it(
    app: Any, client: httpx.AsyncClient, unique_email: Callable[[], str], monkeypatch: Any
) -> None:
    """A request that comes after a sign-out must not get the answer of a read from before."""
    auth = app.state.services.auth
    token = await _signed_in_token(app, client, unique_email())
    auth.cache.forget_all()
    gate, arrived = asyncio.Event(), asyncio.Event()
    reads = _counting_reads(monkeypatch, gate, arrived)
    before = asyncio.create_task(auth.load_session(token))
    await arrived.wait()
    arrived.clear()
    auth.cache.forget_all()  # what a revocation does, in every process
    after = asyncio.create_task(auth.load_session(token))
    with contextlib.suppress(TimeoutError):  # a second read is expected at once
        await asyncio.wait_for(arrived.wait(), timeout=2)
    gate.set()
    await asyncio.gather(before, after)
    assert len(reads) == 2
