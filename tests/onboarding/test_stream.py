"""The status API's caching headers and the live stream, over a real HTTP server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from gangway.core.config import Settings
from tests.support.api import post, signup
from tests.support.bff_server import running_bff
from tests.support.emulator_server import EmulatorHandle


async def test_status_etag_and_304(onboarded_merchant: httpx.AsyncClient) -> None:
    first = await onboarded_merchant.get("/api/onboarding/status")
    assert first.status_code == 200
    etag = first.headers["etag"]
    body = first.json()
    assert etag.startswith(f'"v{body["version"]}-')
    assert body["state"] == "not_started"
    assert body["next_action"]["kind"] == "start"
    assert body["requirements"]["currently_due"], "a new account has requirements due now"
    assert {c["name"] for c in body["capabilities"]} >= {"card_payments"}
    cached = await onboarded_merchant.get("/api/onboarding/status", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    # Coming back from Stripe moves the state on (information was submitted): a new version,
    # a new ETag. Minting a link alone does not: the merchant may never have used it.
    await post(onboarded_merchant, "/api/onboarding/links", {})
    assert (
        await onboarded_merchant.get("/api/onboarding/status", headers={"If-None-Match": etag})
    ).status_code == 304
    await onboarded_merchant.get("/connect/return")
    changed = await onboarded_merchant.get(
        "/api/onboarding/status", headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    # Stripe still reports everything past due after the merchant came back: now it is overdue.
    assert changed.json()["state"] == "past_due"
    assert changed.json()["next_action"]["kind"] == "fix_past_due"


async def test_status_needs_a_session(bff: Any) -> None:
    from tests.support.api import make_client

    async with make_client(bff) as anonymous:
        assert (await anonymous.get("/api/onboarding/status")).status_code == 401
        assert (await anonymous.get("/api/onboarding/status/stream")).status_code == 401


async def test_manual_sync_is_rate_limited(onboarded_merchant: httpx.AsyncClient) -> None:
    first = await post(onboarded_merchant, "/api/onboarding/sync", {})
    assert first.status_code == 200, first.text
    assert first.json()["synced_at"] is not None
    second = await post(onboarded_merchant, "/api/onboarding/sync", {})
    assert second.status_code == 429
    assert 1 <= int(second.headers["retry-after"]) <= 11


class SseReader:
    """Reads `status` events from a live stream."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next_event(self, timeout: float = 10.0) -> dict[str, Any] | None:
        """The next event, or None when the server ended the stream."""
        event: dict[str, Any] = {}
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if line == "" and "data" in event:
                    return event
                key, _, value = line.partition(":")
                if key in {"event", "id"}:
                    event[key] = value.strip()
                elif key == "data":
                    event["data"] = json.loads(value.strip())
        return None


@pytest.fixture
async def live(
    bff_settings: Callable[..., Settings], unique_email: Callable[[], str]
) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    settings = bff_settings(stream_session_check_seconds=0.2)
    with running_bff(settings) as server:
        async with httpx.AsyncClient(
            base_url=server.url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=10
        ) as client:
            await signup(client, unique_email())
            created = await post(client, "/api/account", {"country": "US"})
            assert created.status_code == 201
            yield server.url, client


async def test_stream_sends_a_snapshot_then_each_change(
    live: tuple[str, httpx.AsyncClient], emulator: EmulatorHandle
) -> None:
    _, client = live
    async with client.stream("GET", "/api/onboarding/status/stream") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = SseReader(response)
        first = await reader.next_event()
        assert first is not None
        assert first["event"] == "status"
        assert first["data"]["state"] == "not_started"
        assert first["id"] == str(first["data"]["version"])
        # A change: coming back from Stripe moves the state on from not_started.
        await client.get("/connect/return")
        second = await reader.next_event()
        assert second is not None
        assert second["data"]["state"] == "past_due"
        assert int(second["id"]) > int(first["id"])


async def test_stream_resumes_from_last_event_id(live: tuple[str, httpx.AsyncClient]) -> None:
    _, client = live
    status = (await client.get("/api/onboarding/status")).json()
    headers = {"Last-Event-ID": str(status["version"])}
    async with client.stream("GET", "/api/onboarding/status/stream", headers=headers) as response:
        reader = SseReader(response)
        await client.get("/connect/return")
        event = await reader.next_event()
        assert event is not None
        # The unchanged snapshot was skipped: the first event is the change.
        assert event["data"]["state"] == "past_due"
        assert int(event["id"]) > status["version"]


async def test_signing_out_ends_the_stream(
    live: tuple[str, httpx.AsyncClient], unique_email: Callable[[], str]
) -> None:
    base_url, client = live
    async with client.stream("GET", "/api/onboarding/status/stream") as response:
        reader = SseReader(response)
        assert await reader.next_event() is not None
        # Another tab (same cookie) signs out.
        async with httpx.AsyncClient(
            base_url=base_url, cookies=client.cookies, headers={"Sec-Fetch-Site": "same-origin"}
        ) as other_tab:
            assert (await post(other_tab, "/api/auth/logout")).status_code == 204
        assert await reader.next_event(timeout=5) is None
