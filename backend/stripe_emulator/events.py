"""The v2 event log, thin notifications, Stripe-compatible signing and the delivery worker."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
from typing import TYPE_CHECKING, Any

import httpx

from stripe_emulator.clock import rfc3339
from stripe_emulator.store import new_id

if TYPE_CHECKING:
    from stripe_emulator.runtime import Emulator

log = logging.getLogger("stripe_emulator.delivery")

ACCOUNT_EVENT_TYPES: tuple[str, ...] = (
    "v2.core.account.created",
    "v2.core.account.updated",
    "v2.core.account.closed",
    "v2.core.account[requirements].updated",
    "v2.core.account[future_requirements].updated",
    "v2.core.account[identity].updated",
    "v2.core.account[defaults].updated",
    "v2.core.account[configuration.merchant].updated",
    "v2.core.account[configuration.merchant].capability_status_updated",
    "v2.core.account[configuration.customer].updated",
    "v2.core.account[configuration.customer].capability_status_updated",
    "v2.core.account[configuration.recipient].updated",
    "v2.core.account[configuration.recipient].capability_status_updated",
    "v2.core.account_link.returned",
)


def sign(payload: str, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` header value: ``t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def thin_notification(event: dict[str, Any]) -> dict[str, Any]:
    """What an event destination receives: the event without ``data`` and ``changes``."""
    body: dict[str, Any] = {
        "id": event["id"],
        "object": "v2.core.event",
        "type": event["type"],
        "created": event["created"],
        "livemode": event["livemode"],
        "context": event.get("context"),
        "reason": event.get("reason"),
    }
    if "related_object" in event:
        body["related_object"] = event["related_object"]
    return body


def public_event(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if not k.startswith("_")}


def enqueue_deliveries(emu: Emulator, event: dict[str, Any]) -> None:
    state = emu.state
    for dest in state.destinations.values():
        if dest["status"] != "enabled" or event["type"] not in dest["enabled_events"]:
            continue
        copies = 2 if state.chaos.get("duplicate") else 1
        for copy in range(copies):
            state.deliveries.append(
                {
                    "id": new_id("dlv_test_", 20),
                    "seq": len(state.deliveries),
                    "event_id": event["id"],
                    "event_type": event["type"],
                    "destination_id": dest["id"],
                    "url": dest["webhook_endpoint"]["url"],
                    "duplicate": copy > 0,
                    "state": "pending",
                    "next_attempt_at": time.time(),
                    "attempts": [],
                }
            )
    emu.wake_worker()


class DeliveryWorker:
    """Posts pending deliveries, retrying with exponential backoff; runs in the app lifespan."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.client = httpx.AsyncClient(timeout=emu.config.delivery_timeout)

    async def aclose(self) -> None:
        await self.client.aclose()

    def _due(self) -> tuple[list[dict[str, Any]], float | None]:
        now = time.time()
        due: list[dict[str, Any]] = []
        upcoming: float | None = None
        for d in self.emu.state.deliveries:
            if d["state"] != "pending":
                continue
            if d["next_attempt_at"] <= now:
                due.append(d)
            elif upcoming is None or d["next_attempt_at"] < upcoming:
                upcoming = d["next_attempt_at"]
        return due, upcoming

    async def run(self) -> None:
        while True:
            due, upcoming = self._due()
            if not due:
                timeout = 1.0 if upcoming is None else max(0.0, upcoming - time.time())
                self.emu.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.emu.wakeup.wait(), timeout=min(timeout, 1.0))
                continue
            if self.emu.state.chaos.get("reorder"):
                await asyncio.sleep(0.05)  # gather a bigger batch to shuffle
                due, _ = self._due()
                random.shuffle(due)
            else:
                due.sort(key=lambda d: d["seq"])
            for delivery in due:
                await self.attempt(delivery)
            self.emu.persist()

    async def attempt(self, delivery: dict[str, Any]) -> None:
        state = self.emu.state
        dest = state.destinations.get(delivery["destination_id"])
        event = self.emu.event_by_id(delivery["event_id"])
        if dest is None or event is None:
            delivery["state"] = "failed"
            return
        payload = json.dumps(thin_notification(event), separators=(",", ":"))
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": sign(payload, dest["signing_secret"], timestamp),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) stripe-emulator",
        }
        started = time.monotonic()
        record: dict[str, Any] = {"at": rfc3339(time.time()), "status": None, "error": None}
        try:
            response = await self.client.post(delivery["url"], content=payload, headers=headers)
            record["status"] = response.status_code
            ok = 200 <= response.status_code < 300
        except httpx.TimeoutException:
            record["error"] = "timeout"
            ok = False
        except httpx.HTTPError as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            ok = False
        record["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        delivery["attempts"].append(record)
        if ok:
            delivery["state"] = "succeeded"
        elif len(delivery["attempts"]) >= self.emu.config.delivery_max_attempts:
            delivery["state"] = "failed"
            log.warning("giving up delivering %s to %s", delivery["event_id"], delivery["url"])
        else:
            backoff = self.emu.config.delivery_backoff * 2 ** (len(delivery["attempts"]) - 1)
            delivery["next_attempt_at"] = time.time() + backoff
