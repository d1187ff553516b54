"""Benchmark: cached status reads and webhook ingestion, in-process over ASGI on SQLite.

    .venv/bin/python bench/status_api.py [--requests 2000]

Prints p50/p95/p99 latency for ``GET /api/onboarding/status`` (200 and 304) and the rate at
which ``POST /webhooks/stripe`` accepts signed notifications. Goals on a 2-core machine with
SQLite: status p95 under 25 ms, webhook acknowledgement p95 under 20 ms (measured 2026-11-26:
16.7 ms and 10.3 ms). The numbers are printed, not asserted: timing goals live here, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import stripe
from sqlmodel import SQLModel

import gangway.models  # noqa: F401 - registers the tables
from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.core.config import Settings
from gangway.core.db import create_engine, utcnow
from gangway.main import create_app

SECRET = "whsec_bench"  # noqa: S105 - a throwaway signing secret


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.5):.2f} ms  p95 {pick(0.95):.2f} ms  p99 {pick(0.99):.2f} ms"


async def main(requests: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    await engine.dispose()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        stripe_webhook_secrets=[SECRET],
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        argon2_parallelism=1,
        inbox_workers=0,
        reconcile_interval_seconds=0,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://127.0.0.1:8000",
            headers={"Sec-Fetch-Site": "same-origin"},
        ) as client:
            token = (await client.get("/api/auth/session")).json()["csrf_token"]
            signup = await client.post(
                "/api/auth/signup",
                json={
                    "email": "owner@example.com",
                    "password": "bench password 12345",
                    "business_name": "B",
                },
                headers={"X-CSRF-Token": token},
            )
            assert signup.status_code == 201, signup.text
            merchant_id = signup.json()["merchant"]["id"]
            async with app.state.services.db.write() as session:
                account = ConnectedAccount(
                    merchant_id=merchant_id,
                    stripe_account_id="acct_bench",
                    country="US",
                    dashboard="none",
                    state="action_required",
                    status_version=3,
                    synced_at=utcnow(),
                )
                session.add(account)
                await session.flush()
                assert account.id is not None
                session.add_all(
                    AccountRequirement(
                        account_id=account.id,
                        kind="current",
                        description=f"identity.business_details.field_{i}",
                        deadline_status="currently_due",
                        awaiting_action_from="user",
                    )
                    for i in range(12)
                )
                session.add(
                    AccountCapability(account_id=account.id, name="card_payments", status="pending")
                )

            samples: list[float] = []
            etag = ""
            for _ in range(requests):
                start = time.perf_counter()
                response = await client.get("/api/onboarding/status")
                samples.append(time.perf_counter() - start)
                etag = response.headers["etag"]
            print(f"GET /api/onboarding/status 200 x{requests}: {_percentiles(samples)}")
            samples = []
            for _ in range(requests):
                start = time.perf_counter()
                await client.get("/api/onboarding/status", headers={"If-None-Match": etag})
                samples.append(time.perf_counter() - start)
            print(f"GET /api/onboarding/status 304 x{requests}: {_percentiles(samples)}")

            samples = []
            count = max(100, requests // 4)
            began = time.perf_counter()
            for _ in range(count):
                body = json.dumps(
                    {
                        "id": f"evt_{uuid.uuid4().hex}",
                        "object": "v2.core.event",
                        "type": "v2.core.account[requirements].updated",
                        "created": "2026-11-26T00:00:00.000Z",
                        "livemode": False,
                        "related_object": {
                            "id": "acct_bench",
                            "type": "v2.core.account",
                            "url": "/v2/core/accounts/acct_bench",
                        },
                    }
                )
                header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
                start = time.perf_counter()
                response = await client.post(
                    "/webhooks/stripe",
                    content=body,
                    headers={"Stripe-Signature": header, "Content-Type": "application/json"},
                )
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
            rate = count / (time.perf_counter() - began)
            print(f"POST /webhooks/stripe x{count}: {_percentiles(samples)}  ({rate:.0f}/s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    asyncio.run(main(parser.parse_args().requests))
