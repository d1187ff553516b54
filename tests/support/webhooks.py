"""The webhook side: secrets, signed thin notifications, fast inbox settings and inbox reads."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa
import stripe

from gangway.accounts.models import ConnectedAccount
from gangway.core.config import Settings
from gangway.core.db import Database
from gangway.webhooks.models import InboxEvent
from tests.support.polling import eventually
from tests.support.settings import SHORT_BATCH_WINDOW, SettingsFactory

SECRET = "whsec_test_primary_0123456789abcdef"
OTHER_SECRET = "whsec_test_rolled_fedcba9876543210"
WEBHOOK_PATH = "/webhooks/stripe"

#: Settings for a BFF under webhook tests: our secret, and fast inbox workers (the reconciler's
#: periodic sweep is off; tests call it directly).
FAST_INBOX: dict[str, Any] = {
    "stripe_webhook_secrets": [SECRET],
    "inbox_poll_seconds": 0.05,
    "inbox_retry_base_seconds": 0.05,
    "inbox_lease_seconds": 10.0,
    "reconcile_interval_seconds": 0,
    **SHORT_BATCH_WINDOW,
}


def with_fast_inbox(make: SettingsFactory) -> SettingsFactory:
    """``make`` with ``FAST_INBOX`` as defaults (keyword arguments still override them)."""

    def wrapped(**overrides: Any) -> Settings:
        return make(**{**FAST_INBOX, **overrides})

    return wrapped


def notification(
    account_id: str | None = "acct_unknown",
    *,
    event_type: str = "v2.core.account[requirements].updated",
    event_id: str | None = None,
) -> dict[str, Any]:
    """A thin event notification body, as Stripe delivers it."""
    body: dict[str, Any] = {
        "id": event_id or f"evt_test_{uuid.uuid4().hex}",
        "object": "v2.core.event",
        "type": event_type,
        "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "livemode": False,
        "context": None,
        "reason": None,
    }
    if account_id is not None:
        body["related_object"] = {
            "id": account_id,
            "type": "v2.core.account",
            "url": f"/v2/core/accounts/{account_id}",
        }
    return body


def sign(payload: str, secret: str = SECRET, *, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    header: str = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=ts)
    return header


def signed_request(
    body: dict[str, Any], secret: str = SECRET, *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps(body, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json",
        "Stripe-Signature": sign(payload, secret, timestamp=timestamp),
    }
    return payload.encode(), headers


async def deliver(
    client: httpx.AsyncClient, body: dict[str, Any], secret: str = SECRET
) -> httpx.Response:
    content, headers = signed_request(body, secret)
    return await client.post(WEBHOOK_PATH, content=content, headers=headers)


async def inbox(db: Database) -> list[InboxEvent]:
    async with db.read() as session:
        result = await session.execute(sa.select(InboxEvent).order_by(InboxEvent.received_at))
        return list(result.scalars().all())


async def account_row(db: Database, stripe_account_id: str) -> ConnectedAccount:
    async with db.read() as session:
        result = await session.execute(
            sa.select(ConnectedAccount).where(
                ConnectedAccount.stripe_account_id == stripe_account_id
            )
        )
        return result.scalars().one()


async def inbox_settled(db: Database, *, timeout: float = 10.0) -> list[InboxEvent]:
    """Wait until no inbox event is pending or processing; the rows."""
    return await eventually(
        lambda: inbox(db),
        lambda rows: all(r.status not in {"pending", "processing"} for r in rows),
        timeout=timeout,
        what="the inbox to drain",
    )
