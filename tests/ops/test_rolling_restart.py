"""Rolling restarts lose nothing: two BFF processes on one PostgreSQL, restarted one at a time
(SIGTERM, or SIGKILL) while merchants hold status streams open and signed webhooks keep coming.

The test plays the load balancer: a webhook that fails on one process is retried on the other
(as Stripe would retry it), and a status stream that drops reconnects to the other process with
``Last-Event-ID`` (as the SPA's EventSource does). It counts every event and stream update.
"""

from __future__ import annotations

import asyncio
import json
import signal
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa

from gangway.accounts.models import ConnectedAccount
from gangway.core.db import Database, create_engine
from tests.ops.serving import events, log_lines, spawn_served, wait_ready
from tests.support.api import post, signup
from tests.support.bff_server import BffProcess, bff_env
from tests.support.database import TestDatabase
from tests.support.emulator_server import EmulatorHandle
from tests.support.polling import eventually
from tests.support.webhooks import SECRET, WEBHOOK_PATH, inbox, notification, signed_request

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

T = TypeVar("T")
STREAM_PATH = "/api/onboarding/status/stream"
MERCHANTS = 6
PROCESS_SETTINGS: dict[str, Any] = {
    "stripe_webhook_secrets": [SECRET],
    "stripe_max_network_retries": 0,
    "stripe_timeout_seconds": 5,
    "inbox_workers": 2,
    "inbox_poll_seconds": 0.05,
    "inbox_retry_base_seconds": 0.05,
    # Long enough that a slow attempt on a busy machine does not time out (half of it); a
    # SIGKILLed process's claims are taken over after it.
    "inbox_lease_seconds": 8,
    "reconcile_interval_seconds": 0,
    "stream_session_check_seconds": 0.5,
    "graceful_shutdown_seconds": 1,
    "log_format": "json",
    "log_level": "INFO",
}


async def _now(value: T) -> T:
    return value


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Balancer:
    """Two upstreams; each call prefers the next one, like round-robin."""

    urls: list[str]
    turn: int = 0
    failovers: int = 0

    def order(self) -> list[str]:
        self.turn += 1
        first = self.turn % len(self.urls)
        return self.urls[first:] + self.urls[:first]


@dataclass
class Webhooks:
    """Signed deliveries through the balancer, retried until a process acknowledges them."""

    balancer: Balancer
    http: httpx.AsyncClient
    acked: set[str] = field(default_factory=set)
    duplicates_acked: int = 0
    latencies: list[float] = field(default_factory=list)

    async def send(self, body: dict[str, Any]) -> bool:
        """Deliver until a 200; whether the answer said duplicate."""
        started = time.monotonic()
        while True:
            for url in self.balancer.order():
                content, headers = signed_request(body)
                try:
                    response = await self.http.post(
                        url + WEBHOOK_PATH, content=content, headers=headers
                    )
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code == 200:
                    self.latencies.append(time.monotonic() - started)
                    self.acked.add(body["id"])
                    duplicate: bool = response.json()["duplicate"]
                    return duplicate
                self.balancer.failovers += 1
            if time.monotonic() - started > 60:
                raise AssertionError(f"no process acknowledged {body['id']} within 60 s")
            await asyncio.sleep(0.05)


@dataclass
class FailoverStream:
    """A status stream that reconnects to the other process, sending ``Last-Event-ID``."""

    urls: list[str]
    cookies: httpx.Cookies
    start: int
    events: list[dict[str, Any]] = field(default_factory=list)
    connects: list[tuple[str, str | None]] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)

    async def run(self) -> None:
        index, last_id, dropped_at = self.start, None, None
        timeout = httpx.Timeout(5.0, read=None)
        async with httpx.AsyncClient(cookies=self.cookies, timeout=timeout) as client:
            while True:
                url = self.urls[index]
                headers = {"Last-Event-ID": last_id} if last_id is not None else {}
                try:
                    async with client.stream("GET", url + STREAM_PATH, headers=headers) as resp:
                        if resp.status_code != 200:
                            self.refused.append(resp.status_code)
                        else:
                            self.connects.append((url, last_id))
                            if dropped_at is not None:
                                self.gaps.append(time.monotonic() - dropped_at)
                                dropped_at = None
                            async for event_id, data in _sse(resp):
                                last_id = event_id
                                self.events.append({**json.loads(data), "_via": url})
                except httpx.TransportError:
                    pass
                if dropped_at is None:
                    dropped_at = time.monotonic()
                index = (index + 1) % len(self.urls)  # the balancer picks the other process
                await asyncio.sleep(0.1)

    @property
    def last(self) -> dict[str, Any]:
        return self.events[-1]


async def _sse(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    name, event_id, data = None, None, []
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line.partition(":")[2].strip()
        elif line.startswith("id:"):
            event_id = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data.append(line.partition(":")[2].strip())
        elif line == "":
            if name == "status" and data and event_id is not None:
                yield event_id, "\n".join(data)
            name, data = None, []


@pytest.fixture
async def database(test_db: TestDatabase) -> AsyncIterator[Database]:
    db = Database(create_engine(test_db.url, schema=test_db.schema))
    yield db
    await db.dispose()


async def _versions(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = await session.execute(
            sa.select(ConnectedAccount.merchant_id, ConnectedAccount.status_version)
        )
        return {str(row[0]): int(row[1]) for row in rows}


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
async def test_a_rolling_restart_loses_no_event_and_no_stream_update(
    how: str,
    test_db: TestDatabase,
    database: Database,
    emulator: EmulatorHandle,
    processes: list[BffProcess],
    tmp_path: Path,
) -> None:
    env = bff_env(
        test_db,
        auto_migrate=True,  # both start at once on an empty schema: one migrates
        stripe_api_key=emulator.api_key,
        stripe_api_base=emulator.base_url,
        **PROCESS_SETTINGS,
    )
    procs = [spawn_served(env, tmp_path / f"{name}-1.log") for name in "ab"]
    processes.extend(procs)
    for bff in procs:
        await asyncio.to_thread(wait_ready, bff)
    urls = [bff.url for bff in procs]

    # Merchants sign up on either process; each one's session works on both.
    merchants: list[tuple[httpx.AsyncClient, str, str]] = []
    for index in range(MERCHANTS):
        client = httpx.AsyncClient(
            base_url=urls[index % 2], headers={"Sec-Fetch-Site": "same-origin"}, timeout=10
        )
        session = await signup(client, f"rolling-{how.lower()}-{index}@example.com")
        created = await post(client, "/api/account", {"country": "US"})
        assert created.status_code == 201, created.text
        merchants.append((client, session["merchant"]["id"], created.json()["id"]))
    for client, merchant_id, _ in merchants:
        for url in urls:
            answer = await client.get(f"{url}/api/auth/session")
            assert answer.json()["merchant"]["id"] == merchant_id

    streams = [
        FailoverStream(urls=urls, cookies=httpx.Cookies(client.cookies), start=index % 2)
        for index, (client, _, _) in enumerate(merchants)
    ]
    stream_tasks = [asyncio.create_task(s.run()) for s in streams]
    await eventually(
        lambda: _now([len(s.events) for s in streams]),
        lambda counts: all(counts),
        timeout=15,
        what="every stream's first status event",
    )

    balancer = Balancer(urls)
    control = httpx.AsyncClient(base_url=emulator.base_url, timeout=10)
    http = httpx.AsyncClient(timeout=10)
    webhooks = Webhooks(balancer, http)
    flowing = asyncio.Event()
    flowing.set()
    sent_twice = 0

    async def churn(index: int, account_id: str) -> None:
        nonlocal sent_twice
        change = 0
        while flowing.is_set():
            change += 1
            # The account really changes at Stripe, then Stripe tells us.
            mutated = await control.post(
                f"/_emulator/accounts/{account_id}/verification_error",
                json={"description": f"Change {index}.{change}"},
            )
            assert mutated.status_code == 200, mutated.text
            body = notification(account_id)
            # Usually new; a duplicate when a killed process stored it but died before answering.
            await webhooks.send(body)
            if change % 4 == 0:  # Stripe re-delivers some events
                assert await webhooks.send(body)
                sent_twice += 1
            await asyncio.sleep(0.15)

    churners = [
        asyncio.create_task(churn(index, account_id))
        for index, (_, _, account_id) in enumerate(merchants)
    ]
    figures: dict[str, Any] = {"how": how, "stop_seconds": [], "ready_seconds": []}
    try:
        await asyncio.sleep(2)
        for victim in range(2):  # one process at a time: a rolling restart
            old = procs[victim]
            began = time.monotonic()
            old.process.send_signal(getattr(signal, how))
            code = await asyncio.to_thread(old.process.wait, 30)
            figures["stop_seconds"].append(round(time.monotonic() - began, 2))
            if how == "SIGTERM":
                # uvicorn re-raises the signal once it has shut down cleanly.
                assert code in {0, -signal.SIGTERM}, old.log.read_text()[-3000:]
                assert events(old.log, "Application shutdown complete.")
                assert not [line for line in log_lines(old.log) if line["level"] == "error"]
            new = spawn_served(
                env, tmp_path / f"{'ab'[victim]}-2.log", port=int(old.url.rsplit(":", 1)[1])
            )
            processes.append(new)
            figures["ready_seconds"].append(round(await asyncio.to_thread(wait_ready, new), 2))
            procs[victim] = new
            await asyncio.sleep(2)
    finally:
        flowing.clear()
        await asyncio.gather(*churners, return_exceptions=True)
    for task in churners:
        task.result()

    # Every acknowledged event applied exactly once.
    drained_from = time.monotonic()
    rows = await eventually(
        lambda: inbox(database),
        lambda rows: bool(rows) and all(r.status == "done" for r in rows),
        timeout=60,
        what="every acknowledged event processed",
    )
    figures["drain_seconds"] = round(time.monotonic() - drained_from, 2)
    assert {r.event_id for r in rows} == webhooks.acked
    assert {r.completions for r in rows} == {1}
    claimed_again = {r.event_id for r in rows if r.attempts > 1}
    # An attempt that failed (e.g. timed out) is retried, and says so; any other second claim
    # is a takeover of a claim its process abandoned.
    retried = {
        event_id
        for log in [bff.log for bff in processes]
        for line in events(log, "webhooks.inbox.retry_scheduled")
        for event_id in line["event_ids"]
    }
    taken_over = claimed_again - retried
    if how == "SIGTERM":
        assert taken_over == set()  # a graceful stop finishes what it claimed

    # Every stream ends on the merchant's latest status, having moved on to the other process.
    final = await _versions(database)
    by_merchant = {
        merchant_id: s for s, (_, merchant_id, _) in zip(streams, merchants, strict=True)
    }
    await eventually(
        lambda: _now({m: s.last["version"] for m, s in by_merchant.items()}),
        lambda seen: seen == final,
        timeout=20,
        what="every stream to show its merchant's latest version",
    )
    for task in stream_tasks:
        task.cancel()
    await asyncio.gather(*stream_tasks, return_exceptions=True)
    for stream in streams:
        versions = [e["version"] for e in stream.events]
        assert versions == sorted(versions)
        assert stream.refused == []  # never a 401: the session holds on every process
        assert len(stream.connects) >= 2
        assert {url for url, _ in stream.connects} == set(urls)
        assert all(last_id is not None for _, last_id in stream.connects[1:])

    # Sessions still valid on both (restarted) processes.
    for client, merchant_id, _ in merchants:
        for url in urls:
            answer = await client.get(f"{url}/api/auth/session")
            assert answer.status_code == 200
            assert answer.json()["merchant"]["id"] == merchant_id
        await client.aclose()
    await control.aclose()
    await http.aclose()

    gaps = [g for s in streams for g in s.gaps]
    figures.update(
        events_acknowledged=len(webhooks.acked),
        deliveries_repeated=sent_twice,
        events_retried_after_a_failed_attempt=len(claimed_again & retried),
        claims_taken_over=len(taken_over),
        balancer_failovers=balancer.failovers,
        ack_p50_ms=round(statistics.median(webhooks.latencies) * 1000, 1),
        ack_p95_ms=round(_pct(webhooks.latencies, 0.95) * 1000, 1),
        ack_max_ms=round(max(webhooks.latencies) * 1000, 1),
        stream_updates=sum(len(s.events) for s in streams),
        stream_reconnects=sum(len(s.connects) - 1 for s in streams),
        reconnect_gap_p50_ms=round(_pct(gaps, 0.5) * 1000),
        reconnect_gap_max_ms=round(max(gaps, default=0) * 1000),
        final_versions=sorted(final.values()),
    )
    print(f"\nrolling restart figures: {json.dumps(figures)}")
