"""What the public internet does to the BFF: oversized bodies, bursts of concurrent attempts,
odd input. Every limit holds under real concurrency, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gangway.core.config import Settings
from tests.support.api import STRONG_PASSWORD, csrf_token, make_client, post, signup
from tests.support.settings import AppFactory, BffFactory, SettingsFactory

# --- 1. body size: refused before it is buffered


async def _chunks(total: int, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


@pytest.mark.parametrize("path", ["/api/auth/login", "/webhooks/stripe"])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_oversized_bodies_get_a_413_problem(
    app_factory: AppFactory, make_settings: SettingsFactory, path: str, declared: bool
) -> None:
    app = await app_factory(make_settings(max_body_bytes=4096, max_webhook_body_bytes=8192))
    async with make_client(app) as client:
        token = await csrf_token(client)
        headers = {"Content-Type": "application/json", "X-CSRF-Token": token}
        body: Any = b"x" * 1_000_000 if declared else _chunks(1_000_000)
        response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "bytes" in response.json()["detail"]


async def test_a_body_within_the_limit_is_read(client: httpx.AsyncClient) -> None:
    response = await post(
        client, "/api/auth/login", {"email": "a@example.com", "password": "x" * 40}
    )
    assert response.status_code == 401


# --- 2. atomic limits: at most the configured count is checked, under any concurrency


async def _fresh_client(app: FastAPI) -> httpx.AsyncClient:
    client = make_client(app)
    await csrf_token(client)
    return client


async def _all_at_once(app: FastAPI, path: str, bodies: list[dict[str, Any]]) -> list[int]:
    """POST each body from its own fresh client, all at once; the statuses, sorted."""
    clients = [await _fresh_client(app) for _ in bodies]
    try:
        responses = await asyncio.gather(
            *[post(c, path, body) for c, body in zip(clients, bodies, strict=True)]
        )
    finally:
        for c in clients:
            await c.aclose()
    for r in responses:
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1
    return sorted(r.status_code for r in responses)


async def test_thirty_concurrent_wrong_passwords_check_at_most_the_limit(
    app_factory: AppFactory, make_settings: SettingsFactory, unique_email: Callable[[], str]
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_account=5))
    email = unique_email()
    async with make_client(app) as owner:
        await signup(owner, email)
    wrong = {"email": email, "password": "wrong " * 4}
    statuses = await _all_at_once(app, "/api/auth/login", [wrong] * 30)
    assert statuses.count(401) == 5, statuses  # checked
    assert statuses.count(429) == 25, statuses  # refused before any check
    # The owner, with the right password, is locked out for the window too: the account's
    # allowance is spent.
    async with make_client(app) as owner:
        await csrf_token(owner)
        again = await post(owner, "/api/auth/login", {"email": email, "password": STRONG_PASSWORD})
    assert again.status_code == 429


async def test_thirty_concurrent_attempts_on_thirty_emails_check_at_most_the_ip_limit(
    app_factory: AppFactory, make_settings: SettingsFactory, unique_email: Callable[[], str]
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_ip=5))
    attempts = [{"email": unique_email(), "password": "wrong " * 4} for _ in range(30)]
    statuses = await _all_at_once(app, "/api/auth/login", attempts)
    assert statuses.count(401) == 5, statuses
    assert statuses.count(429) == 25, statuses


async def test_a_successful_sign_in_gives_its_reservation_back(
    app_factory: AppFactory, make_settings: SettingsFactory, unique_email: Callable[[], str]
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_ip=3))
    email = unique_email()
    async with make_client(app) as client:
        await signup(client, email)
        for _ in range(6):
            await csrf_token(client)
            ok = await post(
                client, "/api/auth/login", {"email": email, "password": STRONG_PASSWORD}
            )
            assert ok.status_code == 200, ok.text


async def test_thirty_parallel_mints_against_a_limit_of_ten(
    make_bff: BffFactory, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(links_per_minute=10)
    async with make_client(bff) as merchant:
        await signup(merchant, unique_email())
        assert (await post(merchant, "/api/account", {"country": "US"})).status_code == 201
        responses = await asyncio.gather(
            *[post(merchant, "/api/onboarding/links", {}) for _ in range(30)]
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 10, statuses
    assert statuses.count(429) == 20, statuses


async def test_concurrent_manual_syncs_reach_stripe_once(
    make_bff: BffFactory, unique_email: Callable[[], str]
) -> None:
    bff = await make_bff(manual_sync_interval=timedelta(minutes=5))
    async with make_client(bff) as merchant:
        await signup(merchant, unique_email())
        assert (await post(merchant, "/api/account", {"country": "US"})).status_code == 201
        responses = await asyncio.gather(
            *[post(merchant, "/api/onboarding/sync", {}) for _ in range(15)]
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 1, statuses
    assert statuses.count(429) == 14, statuses


async def test_sign_ups_per_ip_are_limited_under_concurrency(
    app_factory: AppFactory, make_settings: SettingsFactory, unique_email: Callable[[], str]
) -> None:
    app = await app_factory(make_settings(signups_per_ip_per_hour=5))
    signups = [
        {"email": unique_email(), "password": STRONG_PASSWORD, "business_name": "A"}
        for _ in range(20)
    ]
    statuses = await _all_at_once(app, "/api/auth/signup", signups)
    assert statuses.count(201) == 5, statuses
    assert statuses.count(429) == 15, statuses


# --- 5. input that must never reach a 500


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a\u0000b@example.com", "password": STRONG_PASSWORD, "business_name": "Acme"},
        {"email": "ab@example.com", "password": STRONG_PASSWORD, "business_name": "Ac\u0000me"},
    ],
    ids=["nul-in-email", "nul-in-business-name"],
)
async def test_nul_characters_are_a_422(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    response = await post(client, "/api/auth/signup", body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/signup", "/api/account"])
async def test_json_nested_five_thousand_deep_is_a_400(
    client: httpx.AsyncClient, path: str
) -> None:
    token = await csrf_token(client)
    deep = '{"email": ' + "[" * 5000 + "]" * 5000 + "}"
    response = await client.post(
        path, content=deep, headers={"Content-Type": "application/json", "X-CSRF-Token": token}
    )
    assert response.status_code in {400, 401, 422}, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_wrong_method_is_a_405_and_an_unknown_api_path_a_404(
    client: httpx.AsyncClient,
) -> None:
    wrong = await client.get("/api/onboarding/links")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    assert wrong.headers["content-type"] == "application/problem+json"
    unknown = await client.get("/api/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    head = await client.head("/healthz")
    assert head.status_code == 200


# --- 11. durations as documented


def test_durations_accept_plain_seconds() -> None:
    settings = Settings(_env_file=None, session_idle_timeout="1800")  # type: ignore[arg-type]
    assert settings.session_idle_timeout == timedelta(minutes=30)
    iso = Settings(_env_file=None, session_idle_timeout="PT45M")  # type: ignore[arg-type]
    assert iso.session_idle_timeout == timedelta(minutes=45)
