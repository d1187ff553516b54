"""Hardening that only a real server shows: proxy headers, SIGTERM with open streams, /metrics.

The BFF runs the way the image runs it (``python -m gangway.ops.serve``) on a migrated
database, with the emulator as Stripe.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.ops.serving import spawn_served, wait_ready
from tests.support.api import csrf_token, signup
from tests.support.bff_server import BffProcess, bff_env
from tests.support.database import TestDatabase
from tests.support.emulator_server import EmulatorHandle
from tests.support.settings import AppFactory, SettingsFactory


@pytest.fixture
def served(test_db: TestDatabase, emulator: EmulatorHandle, tmp_path: Path) -> Any:
    started: list[BffProcess] = []

    def start(**settings: Any) -> BffProcess:
        env = bff_env(
            test_db,
            auto_migrate=True,
            log_format="json",
            log_level="INFO",
            stripe_api_key=emulator.api_key,
            stripe_api_base=emulator.base_url,
            stripe_max_network_retries=0,
            **settings,
        )
        bff = spawn_served(env, tmp_path / f"bff-{len(started)}.log")
        started.append(bff)
        wait_ready(bff)
        return bff

    yield start
    for bff in started:
        bff.stop()


async def _wrong_logins(bff: BffProcess, email: str, forwarded: list[str]) -> list[int]:
    statuses = []
    async with httpx.AsyncClient(
        base_url=bff.url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=10
    ) as client:
        for ip in forwarded:
            token = await csrf_token(client)
            response = await client.post(
                "/api/auth/login",
                json={"email": email, "password": "not the password at all"},
                headers={"X-CSRF-Token": token, "X-Forwarded-For": ip},
            )
            statuses.append(response.status_code)
    return statuses


async def test_a_spoofed_forwarded_for_does_not_reset_the_per_ip_limit(
    served: Callable[..., BffProcess],
) -> None:
    bff = served(login_max_failures_per_ip=3, login_max_failures_per_account=100)
    spoofed = [f"203.0.113.{i}" for i in range(6)]
    statuses = await _wrong_logins(bff, "nobody@example.com", spoofed)
    assert statuses == [401, 401, 401, 429, 429, 429]


async def test_forwarded_for_counts_only_from_a_trusted_proxy(
    served: Callable[..., BffProcess],
) -> None:
    bff = served(
        login_max_failures_per_ip=3,
        login_max_failures_per_account=100,
        trusted_proxies="127.0.0.1",
    )
    # Behind the configured proxy each forwarded address is its own client.
    statuses = await _wrong_logins(bff, "nobody@example.com", [f"203.0.113.{i}" for i in range(6)])
    assert statuses == [401] * 6


async def test_sigterm_ends_open_streams_with_a_last_event_and_exits_quickly(
    served: Callable[..., BffProcess], unique_email: Callable[[], str]
) -> None:
    bff = served(graceful_shutdown_seconds=30)
    async with httpx.AsyncClient(
        base_url=bff.url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=20
    ) as merchant:
        await signup(merchant, unique_email())
        async with merchant.stream("GET", "/api/onboarding/status/stream") as stream:
            lines = stream.aiter_lines()
            assert (await anext(lines)).startswith("event: status")
            started = time.monotonic()
            bff.process.send_signal(signal.SIGTERM)
            seen: list[str] = []
            async for line in lines:
                seen.append(line)
            ended = time.monotonic() - started
        assert "event: reconnect" in seen, seen
        assert ended < 5, ended
    exit_code = await asyncio.to_thread(bff.process.wait, 10)
    # uvicorn re-raises the signal it caught once it has shut down cleanly.
    assert exit_code in {0, -signal.SIGTERM}
    assert time.monotonic() - started < 5


async def test_metrics_answer_only_loopback_without_a_token(
    app_factory: AppFactory, make_settings: SettingsFactory
) -> None:
    app = await app_factory(make_settings())
    assert (await _metrics(app, client_ip="127.0.0.1")).status_code == 200
    outside = await _metrics(app, client_ip="203.0.113.9")
    assert outside.status_code == 404
    assert outside.headers["content-type"] == "application/problem+json"


async def test_metrics_with_a_token_need_it(
    app_factory: AppFactory, make_settings: SettingsFactory
) -> None:
    app = await app_factory(make_settings(metrics_token="s3cret-scrape-token"))
    assert (await _metrics(app, client_ip="127.0.0.1")).status_code == 404
    wrong = await _metrics(app, client_ip="203.0.113.9", token="nope")
    assert wrong.status_code == 404
    right = await _metrics(app, client_ip="203.0.113.9", token="s3cret-scrape-token")
    assert right.status_code == 200
    assert "gangway" in right.text


async def _metrics(app: FastAPI, *, client_ip: str, token: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        return await c.get("/metrics", headers=headers)
