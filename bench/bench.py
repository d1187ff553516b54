"""``make bench``: Gangway against a bare FastAPI app, real servers on loopback, driven by wrk.

    .venv/bin/python bench/bench.py [--duration 10] [--connections 50] [--skip-postgres]

Starts the Stripe emulator, a bare FastAPI app and the BFF (``python -m uvicorn``, the same
uvicorn and flags for both) and measures, for SQLite, PostgreSQL with one uvicorn worker and
PostgreSQL with two:

- ``GET /api/onboarding/status`` with a valid session (wrk ``-t2 -c50``), and its ratio to the
  bare app's ``GET`` in the same run; ``GET /healthz`` for the middleware alone;
- ``POST /webhooks/stripe`` with distinct signed thin events (wrk with ``webhooks.lua``), then
  a check that every acknowledged event is in the inbox table;
- one status change reaching 1,000 open SSE streams (five rounds, time from the change's
  request to each stream's event);
- 5,000 idle streams on one process, and the server's memory per stream;
- the minting overhead: ``POST /api/onboarding/links`` minus a bare FastAPI endpoint that makes
  the same Account Link call with the Stripe SDK, and minus the call made straight to the
  emulator from the bench, all three interleaved.

PostgreSQL comes from ``GANGWAY_BENCH_POSTGRES_URL`` or ``GANGWAY_TEST_POSTGRES_URL`` (schema
``gangway_bench``, recreated). Writes ``bench/results.json`` and ``bench/results.md`` and puts
the table into README.md between its bench markers. Nothing is asserted: goals are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
import stripe

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
BENCH = REPO / "bench"
SECRET = "whsec_bench_only_not_a_secret"  # noqa: S105 - signs nothing real
EMULATOR_KEY = "sk_test_emulator_bench"
PASSWORD = "bench password 12345"  # noqa: S105
SCHEMA = "gangway_bench"
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BASE_PORT = 18_310
DRAIN_TIMEOUT_SECONDS = 180
UVICORN_FLAGS = ["--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
GOALS = {
    "status_ratio": 0.5,
    "status_p99_ms": 25.0,
    "webhook_rate": 1500.0,
    "webhook_p99_ms": 50.0,
    "fanout_p99_ms": 500.0,
    "mint_overhead_p50_ms": 3.0,
}


# --- processes and ports


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def rss_kib(self) -> int:
        """Resident memory of the server and its children (uvicorn workers), in KiB."""
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    return []


def start(name: str, args: list[str], env: dict[str, str], port: int, log: Path) -> Server:
    handle = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, *args], env=env, cwd=BACKEND, stdout=handle, stderr=subprocess.STDOUT
    )
    server = Server(name, f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{server.url}/healthz", timeout=1)
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} did not start:\n{log.read_text()[-3000:]}")


# --- wrk


@dataclass
class WrkResult:
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate": round(self.rate, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "requests": self.requests,
            "non_2xx": self.non_2xx,
            "errors": self.errors,
        }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> WrkResult:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for key, value in (headers or {}).items():
        args += ["-H", f"{key}: {value}"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run(  # noqa: S603
        [*args, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return WrkResult(
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=errors.group(1).strip() if errors else "",
    )


# --- the merchant


@dataclass
class Merchant:
    cookie: str
    csrf: str
    account_id: str


def make_merchant(url: str) -> Merchant:
    with httpx.Client(base_url=url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=30) as c:
        csrf = c.get("/api/auth/session").json()["csrf_token"]
        signup = c.post(
            "/api/auth/signup",
            json={
                "email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
                "password": PASSWORD,
                "business_name": "Bench",
            },
            headers={"X-CSRF-Token": csrf},
        )
        signup.raise_for_status()
        csrf = signup.json()["csrf_token"]
        account = c.post("/api/account", json={"country": "US"}, headers={"X-CSRF-Token": csrf})
        account.raise_for_status()
        status = c.get("/api/onboarding/status")
        status.raise_for_status()
        return Merchant(c.cookies["gangway_session"], csrf, account.json()["id"])


# --- webhooks


def write_events(path: Path, account_id: str, count: int, run: str) -> None:
    with path.open("w") as out:
        for i in range(count):
            body = json.dumps(
                {
                    "id": f"evt_bench_{run}_{i}",
                    "object": "v2.core.event",
                    "type": "v2.core.account[requirements].updated",
                    "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                    "livemode": False,
                    "related_object": {
                        "id": account_id,
                        "type": "v2.core.account",
                        "url": f"/v2/core/accounts/{account_id}",
                    },
                },
                separators=(",", ":"),
            )
            header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
            out.write(f"{header}\t{body}\n")


async def stored_events(db_url: str, schema: str | None, run: str) -> int:
    from gangway.core.db import create_engine

    engine = create_engine(db_url, schema=schema)
    try:
        async with engine.connect() as conn:
            result = await conn.execute(
                sa.text("SELECT count(*) FROM webhook_inbox WHERE event_id LIKE :p"),
                {"p": f"evt_bench_{run}_%"},
            )
            return int(result.scalar_one())
    finally:
        await engine.dispose()


async def inbox_drained(db_url: str, schema: str | None) -> float:
    """Wait until the inbox workers have processed every event (3 minutes at most); the
    seconds it took."""
    from gangway.core.db import create_engine

    engine = create_engine(db_url, schema=schema)
    began = time.monotonic()
    try:
        while time.monotonic() - began < DRAIN_TIMEOUT_SECONDS:
            async with engine.connect() as conn:
                result = await conn.execute(
                    sa.text(
                        "SELECT count(*) FROM webhook_inbox "
                        "WHERE status IN ('pending', 'processing')"
                    )
                )
                if result.scalar_one() == 0:
                    break
            await asyncio.sleep(0.5)
        return round(time.monotonic() - began, 1)
    finally:
        await engine.dispose()


# --- streams


class Stream:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, cookie: str) -> Stream:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        writer.write(
            (
                "GET /api/onboarding/status/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: gangway_session={cookie}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        stream = cls(reader, writer)
        await stream.next_status()
        return stream

    async def next_status(self) -> float:
        while True:
            chunk = await self.reader.readuntil(b"\n\n")
            if b"event: status" in chunk:
                return time.perf_counter()

    def close(self) -> None:
        self.writer.close()


async def open_streams(port: int, cookie: str, count: int) -> list[Stream]:
    streams: list[Stream] = []
    for start_at in range(0, count, 200):
        batch = min(200, count - start_at)
        streams += await asyncio.gather(*(Stream.open(port, cookie) for _ in range(batch)))
    return streams


def signed_in(url: str, merchant: Merchant) -> httpx.AsyncClient:
    """A client of the BFF as ``merchant``, able to POST (session cookie and CSRF token)."""
    return httpx.AsyncClient(
        base_url=url,
        cookies={"gangway_session": merchant.cookie},
        headers={"Sec-Fetch-Site": "same-origin", "X-CSRF-Token": merchant.csrf},
        timeout=30,
    )


async def fanout(url: str, port: int, merchant: Merchant, streams: int, rounds: int) -> list[float]:
    opened = await open_streams(port, merchant.cookie, streams)
    samples: list[float] = []
    try:
        async with signed_in(url, merchant) as client:
            for _ in range(rounds):
                waits = [asyncio.create_task(s.next_status()) for s in opened]
                began = time.perf_counter()
                response = await client.post("/api/onboarding/sync", json={})
                response.raise_for_status()
                async with asyncio.timeout(60):
                    arrived = await asyncio.gather(*waits)
                samples += [(t - began) * 1000 for t in arrived]
                await asyncio.sleep(0.5)
    finally:
        for stream in opened:
            stream.close()
    return samples


async def idle_memory(server: Server, port: int, merchant: Merchant, count: int) -> dict[str, Any]:
    await asyncio.sleep(1)
    before = server.rss_kib()
    opened = await open_streams(port, merchant.cookie, count)
    await asyncio.sleep(2)
    after = server.rss_kib()
    alive = sum(1 for s in opened if not s.reader.at_eof())
    for stream in opened:
        stream.close()
    return {
        "streams": count,
        "open_after_2s": alive,
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "kib_per_stream": round((after - before) / count, 1),
    }


# --- minting


async def minting(
    url: str, bare_url: str, emulator_url: str, merchant: Merchant, count: int
) -> dict[str, Any]:
    """Interleaved: Gangway's mint, a bare FastAPI endpoint making the same Stripe call, and
    the call alone from here. Gangway's overhead is measured against both."""
    sdk = stripe.StripeClient(
        EMULATOR_KEY,
        base_addresses={"api": emulator_url},
        http_client=stripe.HTTPXClient(),
        max_network_retries=0,
    )
    params: dict[str, Any] = {
        "account": merchant.account_id,
        "use_case": {
            "type": "account_onboarding",
            "account_onboarding": {
                "refresh_url": f"{url}/connect/refresh",
                "return_url": f"{url}/connect/return",
                "collection_options": {"fields": "eventually_due", "future_requirements": "omit"},
            },
        },
    }
    bff_ms: list[float] = []
    bare_ms: list[float] = []
    direct_ms: list[float] = []
    async with signed_in(url, merchant) as client, httpx.AsyncClient(base_url=bare_url) as bare:

        async def timed(call: Any) -> float:
            began = time.perf_counter()
            await call
            return (time.perf_counter() - began) * 1000

        async def link_from_gangway() -> None:
            (await client.post("/api/onboarding/links", json={})).raise_for_status()

        async def link_from_bare() -> None:
            (await bare.post("/links", json=params)).raise_for_status()

        async def one_round(record: bool) -> None:
            took = await timed(link_from_gangway())
            bare_took = await timed(link_from_bare())
            direct_took = await timed(sdk.v2.core.account_links.create_async(params))  # type: ignore[arg-type]
            if record:
                bff_ms.append(took)
                bare_ms.append(bare_took)
                direct_ms.append(direct_took)

        for _ in range(10):  # warm every path
            await one_round(record=False)
        for _ in range(count):
            await one_round(record=True)
    bff, bare_p50, direct = (statistics.median(x) for x in (bff_ms, bare_ms, direct_ms))
    return {
        "mints": count,
        "bff_p50_ms": round(bff, 2),
        "bare_p50_ms": round(bare_p50, 2),
        "stripe_call_p50_ms": round(direct, 2),
        "overhead_p50_ms": round(bff - direct, 2),
        "overhead_vs_bare_p50_ms": round(bff - bare_p50, 2),
    }


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- one configuration


@dataclass
class Config:
    name: str
    db_url: str
    schema: str | None = None
    workers: int = 1
    full: bool = True  # streams at rest and minting (single-process configurations)
    results: dict[str, Any] = field(default_factory=dict)


def bff_env(config: Config, emulator_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GANGWAY_")}
    env.update(
        {
            "GANGWAY_DATABASE_URL": config.db_url,
            "GANGWAY_AUTO_MIGRATE": "true",
            "GANGWAY_STRIPE_API_KEY": EMULATOR_KEY,
            "GANGWAY_STRIPE_API_BASE": emulator_url,
            "GANGWAY_STRIPE_WEBHOOK_SECRETS": SECRET,
            "GANGWAY_LOG_FORMAT": "json",
            "GANGWAY_LINKS_PER_MINUTE": "1000000",
            "GANGWAY_MANUAL_SYNC_INTERVAL": "0",
            "GANGWAY_ARGON2_MEMORY_KIB": "8192",
        }
    )
    if config.schema:
        env["GANGWAY_DATABASE_SCHEMA"] = config.schema
    return env


def run_config(config: Config, args: argparse.Namespace, emulator_url: str, logs: Path) -> None:
    port = free_port(BASE_PORT + 10)
    workers = ["--workers", str(config.workers)] if config.workers > 1 else []
    bff = start(
        f"gangway-{config.name}",
        ["-m", "uvicorn", "gangway.main:app", "--port", str(port), *UVICORN_FLAGS, *workers],
        bff_env(config, emulator_url),
        port,
        logs / f"bff-{config.name}.log",
    )
    bare_port = free_port(port + 1)
    bare = start(
        "bare",
        [
            "-m",
            "uvicorn",
            "bare_app:app",
            "--app-dir",
            str(BENCH),
            "--port",
            str(bare_port),
            *UVICORN_FLAGS,
            *workers,
        ],
        {
            **os.environ,
            "BARE_STRIPE_API_KEY": EMULATOR_KEY,
            "BARE_STRIPE_API_BASE": emulator_url,
        },
        bare_port,
        logs / "bare.log",
    )
    out = config.results
    try:
        merchant = make_merchant(bff.url)
        cookie = {"Cookie": f"gangway_session={merchant.cookie}"}
        d, c = args.duration, args.connections
        print(f"\n== {config.name} ({config.workers} worker(s))", flush=True)
        wrk(bff.url + "/api/onboarding/status", duration=2, connections=c, headers=cookie)
        bare_get = wrk(bare.url + "/status", duration=d, connections=c)
        status = wrk(bff.url + "/api/onboarding/status", duration=d, connections=c, headers=cookie)
        health = wrk(bff.url + "/healthz", duration=d, connections=c)
        out["bare_get"] = bare_get.as_dict()
        out["status"] = {**status.as_dict(), "ratio": round(status.rate / bare_get.rate, 3)}
        out["healthz"] = {**health.as_dict(), "ratio": round(health.rate / bare_get.rate, 3)}
        print(
            f"  status  {status.rate:8.0f}/s  {status.rate / bare_get.rate:.2f}x bare "
            f"({bare_get.rate:.0f}/s)  p50 {status.p50_ms:.2f} ms  p99 {status.p99_ms:.2f} ms"
            f"  non-2xx {status.non_2xx}",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            events = Path(tmp) / "events.tsv"
            run = uuid.uuid4().hex[:8]
            write_events(events, merchant.account_id, args.events, run)
            lua_env = {"WEBHOOK_FILE": str(events), "WRK_THREADS": "2"}
            bare_post = wrk(
                bare.url + "/webhooks/stripe",
                duration=d,
                connections=c,
                script=BENCH / "webhooks.lua",
                env=lua_env,
            )
            hooks = wrk(
                bff.url + "/webhooks/stripe",
                duration=d,
                connections=c,
                script=BENCH / "webhooks.lua",
                env=lua_env,
            )
        acknowledged = hooks.requests - hooks.non_2xx
        stored = asyncio.run(stored_events(config.db_url, config.schema, run))
        out["bare_post"] = bare_post.as_dict()
        out["webhooks"] = {
            **hooks.as_dict(),
            "acknowledged": acknowledged,
            "stored": stored,
            "durable": stored >= acknowledged and acknowledged <= args.events,
        }
        print(
            f"  webhook {hooks.rate:8.0f}/s  (bare POST {bare_post.rate:.0f}/s)  "
            f"p50 {hooks.p50_ms:.2f} ms  p99 {hooks.p99_ms:.2f} ms  "
            f"acknowledged {acknowledged}, stored {stored}",
            flush=True,
        )
        if config.full:  # first: the fan-out's buffers would hide the streams' own memory
            out["idle"] = asyncio.run(idle_memory(bff, port, merchant, args.idle_streams))
            print(f"  idle    {out['idle']}", flush=True)
        # The streams and the mints are measured on a quiet server: after the workers have
        # processed the flood (each claim re-reads the account from the emulator).
        out["inbox_drained_s"] = asyncio.run(inbox_drained(config.db_url, config.schema))
        print(f"  inbox drained after {out['inbox_drained_s']} s", flush=True)
        samples = asyncio.run(fanout(bff.url, port, merchant, args.streams, args.rounds))
        out["fanout"] = {
            "streams": args.streams,
            "rounds": args.rounds,
            "events": len(samples),
            "p50_ms": round(pct(samples, 0.5), 1),
            "p99_ms": round(pct(samples, 0.99), 1),
            "max_ms": round(max(samples), 1),
        }
        print(
            f"  fan-out {args.streams} streams: p50 {out['fanout']['p50_ms']} ms  "
            f"p99 {out['fanout']['p99_ms']} ms",
            flush=True,
        )
        if config.full:
            out["minting"] = asyncio.run(
                minting(bff.url, bare.url, emulator_url, merchant, args.mints)
            )
            print(f"  minting {out['minting']}", flush=True)
    finally:
        bff.stop()
        bare.stop()


def reset_postgres(url: str) -> bool:
    from gangway.core.db import create_engine

    async def reset() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                await conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(reset())
    except Exception as exc:
        print(f"PostgreSQL unavailable ({type(exc).__name__}: {exc}); skipping it")
        return False
    return True


# --- report


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores, {model or platform.machine()}, Python {platform.python_version()}"
        f", {server()}"
    )


def server() -> str:
    """The server both apps run on: uvicorn picks uvloop and httptools when they are installed."""
    import importlib.util

    import uvicorn

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn {uvicorn.__version__} ({loop}, {http})"


def table(configs: list[Config]) -> str:
    def cell(config: Config, *path: str) -> Any:
        value: Any = config.results
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return "-"
            value = value[key]
        return value

    head = "| figure | goal | " + " | ".join(c.name for c in configs) + " |"
    rows = [head, "|---|---|" + "---|" * len(configs)]

    def row(label: str, goal: str, fmt: Any) -> None:
        rows.append(f"| {label} | {goal} | " + " | ".join(fmt(c) for c in configs) + " |")

    row("bare FastAPI `GET`, req/s", "-", lambda c: f"{cell(c, 'bare_get', 'rate'):,.0f}")
    row(
        "bare FastAPI `GET` p50 / p99, ms (the machine's own floor)",
        "-",
        lambda c: f"{cell(c, 'bare_get', 'p50_ms')} / {cell(c, 'bare_get', 'p99_ms')}",
    )
    row(
        "status read (valid session), req/s (x bare)",
        "≥ 0.5x",
        lambda c: f"{cell(c, 'status', 'rate'):,.0f} ({cell(c, 'status', 'ratio')}x)",
    )
    row(
        "status read p50 / p99, ms",
        "p99 ≤ 25",
        lambda c: f"{cell(c, 'status', 'p50_ms')} / {cell(c, 'status', 'p99_ms')}",
    )
    row(
        "`/healthz` (middleware only), req/s (x bare)",
        "-",
        lambda c: f"{cell(c, 'healthz', 'rate'):,.0f} ({cell(c, 'healthz', 'ratio')}x)",
    )
    row("bare FastAPI `POST`, req/s", "-", lambda c: f"{cell(c, 'bare_post', 'rate'):,.0f}")
    row(
        "bare FastAPI `POST` p50 / p99, ms",
        "-",
        lambda c: f"{cell(c, 'bare_post', 'p50_ms')} / {cell(c, 'bare_post', 'p99_ms')}",
    )
    row(
        "webhook acknowledgements, /s",
        "≥ 1,500",
        lambda c: f"{cell(c, 'webhooks', 'rate'):,.0f}",
    )
    row(
        "webhook p50 / p99, ms",
        "p99 ≤ 50",
        lambda c: f"{cell(c, 'webhooks', 'p50_ms')} / {cell(c, 'webhooks', 'p99_ms')}",
    )
    row(
        "acknowledged events found in the inbox",
        "all",
        lambda c: f"{cell(c, 'webhooks', 'stored')} of {cell(c, 'webhooks', 'acknowledged')}",
    )
    row(
        "one change → 1,000 streams, p50 / p99, ms",
        "p99 ≤ 500",
        lambda c: f"{cell(c, 'fanout', 'p50_ms')} / {cell(c, 'fanout', 'p99_ms')}",
    )
    row(
        "5,000 idle streams: open / KiB per stream",
        "5,000",
        lambda c: f"{cell(c, 'idle', 'open_after_2s')} / {cell(c, 'idle', 'kib_per_stream')}",
    )
    row(
        "mint p50, ms: Gangway / bare FastAPI making the same Stripe call / the call alone",
        "-",
        lambda c: (
            f"{cell(c, 'minting', 'bff_p50_ms')} / {cell(c, 'minting', 'bare_p50_ms')} / "
            f"{cell(c, 'minting', 'stripe_call_p50_ms')}"
        ),
    )
    row(
        "minting overhead p50, ms: over the bare endpoint / over the call alone",
        "≤ 3",
        lambda c: (
            f"{cell(c, 'minting', 'overhead_vs_bare_p50_ms')} / "
            f"{cell(c, 'minting', 'overhead_p50_ms')}"
        ),
    )
    return "\n".join(rows)


def update_readme(markdown: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        readme.write_text(f"{before}{start}\n{markdown}\n{end}{after}")


@contextlib.contextmanager
def emulator(logs: Path) -> Iterator[str]:
    port = free_port(BASE_PORT)
    server = start(
        "emulator",
        ["-m", "stripe_emulator", "--port", str(port)],
        {**os.environ},
        port,
        logs / "emulator.log",
    )
    try:
        yield server.url
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--idle-streams", type=int, default=5000)
    parser.add_argument("--mints", type=int, default=200)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--only", help="run one configuration: sqlite, postgres-1, postgres-2")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does)")
    logs = Path(tempfile.mkdtemp(prefix="gangway-bench-"))
    sqlite_dir = Path(tempfile.mkdtemp(prefix="gangway-bench-db-"))
    pg = os.environ.get("GANGWAY_BENCH_POSTGRES_URL") or os.environ.get(
        "GANGWAY_TEST_POSTGRES_URL", DEFAULT_PG
    )
    configs = [Config("SQLite", f"sqlite+aiosqlite:///{sqlite_dir / 'bench.db'}")]
    if not args.skip_postgres:
        configs += [
            Config("PostgreSQL, 1 worker", pg, SCHEMA),
            Config("PostgreSQL, 2 workers", pg, SCHEMA, workers=2, full=False),
        ]
    if args.only:
        names = {"sqlite": 0, "postgres-1": 1, "postgres-2": 2}
        configs = [configs[names[args.only]]]
    print(f"logs: {logs}")
    with emulator(logs) as emulator_url:
        for config in configs:
            if config.schema and not reset_postgres(config.db_url):
                continue
            run_config(config, args, emulator_url, logs)
    configs = [c for c in configs if c.results]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = machine()
    markdown = (
        f"Measured {when} on {where}; `wrk -t2 -c{args.connections} -d{args.duration}s`, "
        "client and servers on the same machine.\n\n" + table(configs)
    )
    print("\n" + markdown)
    if not args.only:
        (BENCH / "results.json").write_text(
            json.dumps(
                {
                    "date": when,
                    "machine": where,
                    "goals": GOALS,
                    "wrk": f"-t2 -c{args.connections} -d{args.duration}s",
                    "configurations": {c.name: c.results for c in configs},
                },
                indent=2,
            )
            + "\n"
        )
        (BENCH / "results.md").write_text(markdown + "\n")
        update_readme(markdown)


if __name__ == "__main__":
    main()
