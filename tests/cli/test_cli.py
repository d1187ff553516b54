"""The ``gangway`` command against the emulator: setup-webhook, sync-account, replay-events."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from gangway.cli import main
from gangway.core.config import Settings
from gangway.core.db import utcnow
from gangway.stripe_gateway import StripeGateway, WebhookSignatureInvalid
from gangway.webhooks.models import InboxEvent
from tests.support.emulator_server import EmulatorHandle, running_receiver
from tests.support.webhooks import account_row, inbox, inbox_settled


async def run_cli(settings: Settings, *argv: str) -> tuple[int, str]:
    """Run ``gangway ARGV`` (it owns its event loop, so in a thread); (exit code, stdout)."""
    out = io.StringIO()
    code = await asyncio.to_thread(main, list(argv), settings=settings, out=out)
    return code, out.getvalue()


async def test_setup_webhook_creates_a_destination_whose_secret_verifies_deliveries(
    bff_settings: Callable[..., Settings],
    emulator: EmulatorHandle,
    onboarded_merchant: httpx.AsyncClient,
    browser: httpx.AsyncClient,
) -> None:
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    with running_receiver("/webhooks/stripe") as receiver:
        base = receiver.url.removesuffix("/webhooks/stripe")
        settings = bff_settings(public_base_url=base)
        code, output = await run_cli(settings, "setup-webhook", "--name", "gangway-test")
        assert code == 0, output
        secret = output.strip().splitlines()[-1]
        assert secret.startswith("whsec_")

        listed = await browser.get(
            f"{emulator.base_url}/v2/core/event_destinations",
            params={"include": ["webhook_endpoint.url"]},
            headers=emulator.auth_headers,
        )
        (destination,) = listed.json()["data"]
        assert destination["webhook_endpoint"]["url"] == f"{base}/webhooks/stripe"
        assert destination["event_payload"] == "thin"
        assert "v2.core.account[requirements].updated" in destination["enabled_events"]
        assert "v2.core.account_link.returned" in destination["enabled_events"]

        changed = await browser.post(
            f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
        )
        assert changed.status_code == 200
        deliveries = await asyncio.to_thread(receiver.wait_for, 1)

    gateway = StripeGateway(settings)
    try:
        for delivery in deliveries:
            header = delivery.headers["stripe-signature"]
            event = gateway.parse_notification(delivery.body, header, [secret])
            assert event.related_object is not None
            assert event.related_object.id == account_id
            with pytest.raises(WebhookSignatureInvalid):
                gateway.parse_notification(delivery.body, header, ["whsec_not_it"])
    finally:
        await gateway.aclose()


async def test_sync_account_by_id_or_email(
    bff: Any,
    bff_settings: Callable[..., Settings],
    emulator: EmulatorHandle,
    merchant: httpx.AsyncClient,
    browser: httpx.AsyncClient,
) -> None:
    from tests.support.api import post

    email = (await merchant.get("/api/auth/session")).json()["merchant"]["email"]
    created = await post(merchant, "/api/account", {"country": "US"})
    account_id = created.json()["id"]
    version = (await account_row(bff.state.services.db, account_id)).status_version
    await browser.post(
        f"{emulator.base_url}/_emulator/accounts/{account_id}/verification_error", json={}
    )
    settings = bff_settings()

    code, output = await run_cli(settings, "sync-account", email.upper())
    assert code == 0, output
    assert f"Synced {account_id}: changed" in output
    assert (await account_row(bff.state.services.db, account_id)).status_version == version + 1

    code, output = await run_cli(settings, "sync-account", account_id)
    assert (code, f"Synced {account_id}: unchanged" in output) == (0, True)

    code, _ = await run_cli(settings, "sync-account", "nobody@example.com")
    assert code == 1
    code, _ = await run_cli(settings, "sync-account", "acct_not_ours")
    assert code == 1


async def test_replay_events_requeues_dead_letters(
    bff: Any, bff_settings: Callable[..., Settings], onboarded_merchant: httpx.AsyncClient
) -> None:
    account_id = (await onboarded_merchant.get("/api/account")).json()["id"]
    now = utcnow()
    async with bff.state.services.db.write() as session:
        for n in range(2):
            session.add(
                InboxEvent(
                    event_id=f"evt_dead_{n}",
                    type="v2.core.account.updated",
                    account_id=account_id,
                    event_created=now - timedelta(minutes=5),
                    status="dead",
                    attempts=8,
                    finished_at=now,
                    last_error="StripeUnavailable: try again shortly",
                )
            )
    code, output = await run_cli(bff_settings(), "replay-events", "evt_dead_0")
    assert code == 0
    assert "Re-queued 1 " in output
    code, output = await run_cli(bff_settings(), "replay-events")
    assert "Re-queued 1 " in output
    rows = await inbox_settled(bff.state.services.db)
    assert sorted((r.event_id, r.status, r.attempts) for r in rows) == [
        ("evt_dead_0", "done", 1),
        ("evt_dead_1", "done", 1),
    ]
    code, output = await run_cli(bff_settings(), "replay-events")
    assert "Re-queued 0 " in output
    assert len(await inbox(bff.state.services.db)) == 2


async def test_reconcile_runs_one_sweep(
    bff: Any, bff_settings: Callable[..., Settings], onboarded_merchant: httpx.AsyncClient
) -> None:
    code, output = await run_cli(bff_settings(), "reconcile")
    assert code == 0, output
    assert "Listed " in output
    rows = await inbox_settled(bff.state.services.db)
    assert rows, "the account's events were caught up"
