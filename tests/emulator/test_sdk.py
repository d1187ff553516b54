"""The official stripe SDK (StripeClient + HTTPXClient) against the emulator."""

from __future__ import annotations

import httpx
import pytest
import stripe

from tests.emulator.conftest import (
    ALL_INCLUDES,
    MERCHANT_ACCOUNT,
    PLATFORM_COLLECTED,
    WEBHOOK_SECRET,
    create_account,
)
from tests.support.contract import validate_thin_notification
from tests.support.emulator_server import EmulatorHandle, WebhookReceiver


async def test_sdk_creates_and_retrieves_accounts_with_include(
    sdk: stripe.StripeClient,
) -> None:
    account = await sdk.v2.core.accounts.create_async(
        {**MERCHANT_ACCOUNT, "include": ["requirements"]}  # type: ignore[typeddict-item]
    )
    assert account.id.startswith("acct_")
    assert account.requirements is not None
    assert account.requirements.entries
    fetched = await sdk.v2.core.accounts.retrieve_async(
        account.id,
        {"include": ALL_INCLUDES},  # type: ignore[typeddict-item]
    )
    assert fetched.identity is not None
    assert fetched.identity.entity_type == "company"
    assert fetched.configuration is not None
    merchant = fetched.configuration.merchant
    assert merchant is not None
    assert merchant.capabilities is not None
    assert merchant.capabilities.card_payments is not None
    assert merchant.capabilities.card_payments.status == "restricted"
    assert [d.code for d in merchant.capabilities.card_payments.status_details] == [
        "requirements_past_due"
    ]
    updated = await sdk.v2.core.accounts.update_async(
        account.id, {"display_name": "Renamed", "include": ["identity"]}
    )
    assert updated.display_name == "Renamed"


async def test_sdk_creates_links_of_both_use_cases(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(PLATFORM_COLLECTED)  # type: ignore[arg-type]
    for use_case in ("account_onboarding", "account_update"):
        link = await sdk.v2.core.account_links.create_async(
            {
                "account": account.id,
                "use_case": {
                    "type": use_case,
                    use_case: {  # type: ignore[misc]
                        "refresh_url": "https://p.example/refresh",
                        "return_url": "https://p.example/return",
                        "collection_options": {
                            "fields": "eventually_due",
                            "future_requirements": "include",
                        },
                    },
                },
            }
        )
        assert link.use_case.type == use_case
        assert link.url.startswith("http://127.0.0.1")
        assert link.expires_at > link.created


async def test_sdk_retrieves_and_lists_events(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    listed = await sdk.v2.core.events.list_async({"object_id": account.id})
    assert [e.type for e in listed.data] == ["v2.core.account.created"]
    event = await sdk.v2.core.events.retrieve_async(listed.data[0].id)
    assert event.id == listed.data[0].id
    for _ in range(3):
        await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    page = await sdk.v2.core.events.list_async({"limit": 2})
    seen = [e.id async for e in page.auto_paging_iter()]
    assert len(seen) == len(set(seen)) == 4


async def test_sdk_maps_errors(sdk: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await sdk.v2.core.accounts.retrieve_async("acct_nope")
    assert missing.value.http_status == 404
    assert missing.value.code == "not_found"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        await sdk.v2.core.accounts.create_async({"nickname": "x"})  # type: ignore[typeddict-unknown-key]
    assert unknown.value.code == "parameter_unknown"
    assert "Received unknown parameter: nickname" in str(unknown.value)
    options = {"idempotency_key": "same-key"}
    await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT, options)  # type: ignore[arg-type]
    with pytest.raises(stripe.IdempotencyError):
        await sdk.v2.core.accounts.create_async(
            {"display_name": "different"},
            options,  # type: ignore[arg-type]
        )


async def test_event_destination_and_signed_delivery(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, receiver: WebhookReceiver
) -> None:
    destination = await sdk.v2.core.event_destinations.create_async(
        {
            "name": "bff",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ["v2.core.account.created"],
            "webhook_endpoint": {"url": receiver.url},
            "include": ["webhook_endpoint.signing_secret"],
        }
    )
    assert destination.object == "v2.core.event_destination"
    assert destination.webhook_endpoint is not None
    secret = destination.webhook_endpoint.signing_secret
    assert secret is not None
    assert secret.startswith("whsec_")
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    # one delivery per destination: the pre-registered one and this one
    deliveries = receiver.wait_for(2)
    secrets = {WEBHOOK_SECRET, secret}
    verified = 0
    for delivery in deliveries:
        validate_thin_notification(delivery.json())
        for candidate in secrets:
            try:
                notification = sdk.parse_event_notification(
                    delivery.body, delivery.headers["stripe-signature"], candidate
                )
            except stripe.SignatureVerificationError:
                continue
            verified += 1
            assert notification.type == "v2.core.account.created"
            assert notification.related_object.id == account.id  # type: ignore[attr-defined]
    assert verified == 2
    with pytest.raises(stripe.SignatureVerificationError):
        sdk.parse_event_notification(
            deliveries[0].body, deliveries[0].headers["stripe-signature"], "whsec_wrong"
        )


async def test_destination_secret_only_when_included(sdk: stripe.StripeClient) -> None:
    destination = await sdk.v2.core.event_destinations.create_async(
        {
            "name": "no-secret",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ["v2.core.account.created"],
            "webhook_endpoint": {"url": "http://127.0.0.1:9/hook"},
        }
    )
    assert destination.webhook_endpoint is not None
    assert destination.webhook_endpoint.signing_secret is None


def test_destination_validation(api: httpx.Client) -> None:
    base = {
        "name": "x",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": "http://127.0.0.1:9/hook"},
    }
    assert api.post("/v2/core/event_destinations", json=base).status_code == 200
    for change, message in (
        ({"event_payload": "snapshot"}, "thin"),
        ({"enabled_events": []}, "enabled_events"),
        ({"secret": "x"}, "Received unknown parameter: secret"),
    ):
        response = api.post("/v2/core/event_destinations", json={**base, **change})
        assert response.status_code == 400
        assert message in response.json()["error"]["message"]
    assert create_account(api)["id"]
