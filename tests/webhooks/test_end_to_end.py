"""End to end: an emulator scenario -> the emulator's signed webhook -> inbox -> worker -> status.

The BFF runs as a real HTTP server here so that the emulator can deliver to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from gangway.core.config import Settings
from tests.support.api import post, signup
from tests.support.bff_server import running_bff
from tests.support.database import TestDatabase as DatabaseInfo
from tests.support.emulator_server import running_emulator
from tests.support.net import reserve_socket
from tests.support.polling import eventually
from tests.support.settings import FAST_ARGON2
from tests.support.sse import status_stream
from tests.support.webhooks import FAST_INBOX, SECRET


def _all_requirements(status: dict[str, Any]) -> list[dict[str, Any]]:
    groups = status["requirements"]
    return groups["past_due"] + groups["currently_due"] + groups["eventually_due"]


def _has_error(status: dict[str, Any]) -> bool:
    return any(
        e["code"] == "verification_failed_id_number_match"
        for r in _all_requirements(status)
        for e in r["errors"]
    )


def _has_future(status: dict[str, Any]) -> bool:
    return len(status["future_requirements"]) > 0


def _is_past_due(status: dict[str, Any]) -> bool:
    return status["state"] == "past_due" and len(status["requirements"]["past_due"]) > 0


async def test_emulator_scenarios_reach_the_status_and_the_stream(
    migrated_db: DatabaseInfo, unique_email: Callable[[], str]
) -> None:
    sock = reserve_socket()
    webhook_url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/stripe"
    with running_emulator(
        verification_delay=0.2, webhook_url=webhook_url, webhook_secret=SECRET
    ) as emulator:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=migrated_db.url,
            database_schema=migrated_db.schema,
            log_format="console",
            stripe_api_key=emulator.api_key,
            stripe_api_base=emulator.base_url,
            stripe_max_network_retries=0,
            stream_session_check_seconds=0.5,
            **FAST_ARGON2,
            **FAST_INBOX,
        )
        with running_bff(settings, sock) as bff:
            async with (
                httpx.AsyncClient(
                    base_url=bff.url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=10
                ) as merchant,
                httpx.AsyncClient(base_url=emulator.base_url, timeout=10) as control,
            ):
                await signup(merchant, unique_email())
                created = await post(merchant, "/api/account", {"country": "US"})
                assert created.status_code == 201, created.text
                account_id = created.json()["id"]

                async def status() -> dict[str, Any]:
                    response = await merchant.get("/api/onboarding/status")
                    assert response.status_code == 200
                    body: dict[str, Any] = response.json()
                    return body

                initial = await status()
                assert not _has_error(initial)
                assert not _has_future(initial)
                assert not _is_past_due(initial)

                async with status_stream(merchant) as stream:
                    # 1. A verification error on an ID number.
                    changed = await control.post(
                        f"/_emulator/accounts/{account_id}/verification_error", json={}
                    )
                    assert changed.status_code == 200, changed.text
                    await eventually(status, _has_error, what="the verification error")
                    await stream.wait_for(_has_error, what="the error on the stream")

                    # 2. Future requirements announced by Stripe.
                    changed = await control.post(
                        f"/_emulator/accounts/{account_id}/future_requirements", json={}
                    )
                    assert changed.status_code == 200, changed.text
                    await eventually(status, _has_future, what="future requirements")
                    await stream.wait_for(_has_future, what="future requirements on the stream")

                    # 3. The deadline passes (a fresh account is already past due at Stripe)
                    # and the merchant has been to Stripe and back: now it is overdue.
                    advanced = await control.post(
                        "/_emulator/clock/advance", json={"seconds": 15 * 86400}
                    )
                    assert advanced.status_code == 200, advanced.text
                    await merchant.get("/connect/return")
                    final = await eventually(status, _is_past_due, what="past due")
                    assert final["next_action"]["kind"] == "fix_past_due"
                    await stream.wait_for(_is_past_due, what="past due on the stream")

                deliveries = (await control.get("/_emulator/deliveries")).json()["data"]
                assert deliveries, "the emulator delivered webhooks"
                assert all(d["state"] == "succeeded" for d in deliveries), deliveries
