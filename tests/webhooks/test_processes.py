"""Real BFF processes: a SIGKILL mid-burst loses and doubles nothing; two processes share one
PostgreSQL inbox and one status fan-out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gangway.core.db import Database, create_engine
from tests.support.api import post, signup
from tests.support.bff_server import BffProcess, bff_env, start_bff_process
from tests.support.database import TestDatabase as DatabaseInfo
from tests.support.emulator_server import EmulatorHandle, running_emulator
from tests.support.polling import eventually
from tests.support.sse import status_stream
from tests.support.webhooks import SECRET, deliver, inbox, notification

PROCESS_SETTINGS: dict[str, Any] = {
    "stripe_webhook_secrets": [SECRET],
    "stripe_max_network_retries": 0,
    "stripe_timeout_seconds": 5,
    "inbox_workers": 2,
    "inbox_poll_seconds": 0.05,
    "inbox_retry_base_seconds": 0.05,
    "reconcile_interval_seconds": 0,
    "stream_session_check_seconds": 0.5,
}


@pytest.fixture
def process_emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(verification_delay=0.2) as handle:
        yield handle


@pytest.fixture
async def database(migrated_db: DatabaseInfo) -> AsyncIterator[Database]:
    db = Database(create_engine(migrated_db.url, schema=migrated_db.schema))
    yield db
    await db.dispose()


@pytest.fixture
def processes() -> Iterator[list[BffProcess]]:
    started: list[BffProcess] = []
    yield started
    for bff in started:
        bff.stop()


def _client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=10)


async def _new_account(url: str, email: str) -> tuple[httpx.AsyncClient, str]:
    client = _client(url)
    await signup(client, email)
    created = await post(client, "/api/account", {"country": "US"})
    assert created.status_code == 201, created.text
    return client, str(created.json()["id"])


async def test_sigkill_mid_burst_loses_no_event_and_processes_none_twice(
    migrated_db: DatabaseInfo,
    database: Database,
    process_emulator: EmulatorHandle,
    processes: list[BffProcess],
    unique_email: Callable[[], str],
    tmp_path: Path,
) -> None:
    env = bff_env(
        migrated_db,
        stripe_api_key=process_emulator.api_key,
        stripe_api_base=process_emulator.base_url,
        inbox_lease_seconds=2,
        **PROCESS_SETTINGS,
    )
    first = start_bff_process(env, tmp_path / "first.log")
    processes.append(first)
    accounts = []
    for _ in range(4):
        client, account_id = await _new_account(first.url, unique_email())
        await client.aclose()
        accounts.append(account_id)
    # Every account read takes a while, so the burst is still in flight at the kill.
    async with httpx.AsyncClient(base_url=process_emulator.base_url) as control:
        fault = await control.post(
            "/_emulator/faults",
            json={"latency_ms": 300, "count": 1000, "paths": ["/v2/core/accounts/acct_"]},
        )
        assert fault.status_code == 200, fault.text

    bodies = [notification(accounts[i % len(accounts)]) for i in range(40)]
    async with _client(first.url) as stripe:
        responses = await asyncio.gather(*(deliver(stripe, body) for body in bodies))
    acknowledged = {b["id"] for b, r in zip(bodies, responses, strict=True) if r.status_code == 200}
    assert len(acknowledged) == 40

    # Kill while at least one claim is held and work is still queued.
    await eventually(
        lambda: inbox(database),
        lambda rows: (
            any(r.status == "processing" for r in rows) and any(r.status == "pending" for r in rows)
        ),
        timeout=10,
        interval=0.01,
        what="a claim in flight",
    )
    first.kill()
    at_kill = {r.event_id: r.status for r in await inbox(database)}
    in_flight = {e for e, status in at_kill.items() if status == "processing"}
    assert in_flight

    second = start_bff_process(env, tmp_path / "second.log")
    processes.append(second)
    rows = await eventually(
        lambda: inbox(database),
        lambda rows: len(rows) == 40 and all(r.status == "done" for r in rows),
        timeout=30,
        what="every event processed after the restart",
    )
    assert {r.event_id for r in rows} == acknowledged
    assert {r.event_id: r.completions for r in rows} == dict.fromkeys(acknowledged, 1)
    # Claims the killed process held were taken over once their lease ran out.
    assert all(r.attempts >= 2 for r in rows if r.event_id in in_flight)
    assert all(r.attempts == 1 for r in rows if at_kill[r.event_id] == "pending")


@pytest.mark.postgres_only
async def test_two_processes_share_the_inbox_and_the_status_fan_out(
    migrated_db: DatabaseInfo,
    database: Database,
    process_emulator: EmulatorHandle,
    processes: list[BffProcess],
    unique_email: Callable[[], str],
    tmp_path: Path,
) -> None:
    env = bff_env(
        migrated_db,
        stripe_api_key=process_emulator.api_key,
        stripe_api_base=process_emulator.base_url,
        inbox_lease_seconds=30,
        **PROCESS_SETTINGS,
    )
    a = start_bff_process(env, tmp_path / "a.log")
    processes.append(a)
    b = start_bff_process(env, tmp_path / "b.log")
    processes.append(b)
    merchant, account_id = await _new_account(a.url, unique_email())
    others = []
    for _ in range(3):
        client, other = await _new_account(b.url, unique_email())
        await client.aclose()
        others.append(other)

    async with status_stream(merchant) as stream:
        # A burst, each event delivered to both processes (Stripe retries land anywhere).
        bodies = [notification(others[i % len(others)]) for i in range(30)]
        async with _client(a.url) as to_a, _client(b.url) as to_b:
            responses = await asyncio.gather(
                *(deliver(to_a, body) for body in bodies),
                *(deliver(to_b, body) for body in bodies),
            )
        assert all(r.status_code == 200 for r in responses)
        assert sum(not r.json()["duplicate"] for r in responses) == 30

        # The merchant's account changes; the webhook reaches process B only.
        async with httpx.AsyncClient(base_url=process_emulator.base_url) as control:
            changed = await control.post(
                f"/_emulator/accounts/{account_id}/verification_error", json={}
            )
            assert changed.status_code == 200, changed.text
        before = stream.events[-1]["version"]
        async with _client(b.url) as to_b:
            assert (await deliver(to_b, notification(account_id))).status_code == 200
        seen = await stream.wait_for(
            lambda e: (
                e["version"] > before
                and any(
                    err["code"] == "verification_failed_id_number_match"
                    for group in e["requirements"].values()
                    for r in group
                    for err in r["errors"]
                )
            ),
            timeout=15,
            what="process A's stream to show the change B received",
        )
        assert seen["version"] > before
    await merchant.aclose()

    rows = await eventually(
        lambda: inbox(database),
        lambda rows: len(rows) == 31 and all(r.status == "done" for r in rows),
        timeout=20,
        what="every event processed",
    )
    # Each claimed once (attempts counts claims), finished once.
    assert {(r.attempts, r.completions) for r in rows} == {(1, 1)}
