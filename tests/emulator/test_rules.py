"""What Stripe refuses: responsibility combinations, changed responsibilities, unsafe Account
Link URLs. And every error body is exactly the extract's ``v2.error``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe
from starlette.types import Receive, Scope, Send

from stripe_emulator.config import EmulatorConfig
from stripe_emulator.gate import ApiGate
from stripe_emulator.runtime import Emulator
from tests.emulator.conftest import (
    MERCHANT_ACCOUNT,
    PLATFORM_COLLECTED,
    control,
    create_account,
)
from tests.support.contract import load_contract, validate_schema
from tests.support.emulator_server import EmulatorHandle


def responsibilities(fees: str, losses: str, dashboard: str = "none") -> dict[str, Any]:
    return {
        **MERCHANT_ACCOUNT,
        "dashboard": dashboard,
        "defaults": {"responsibilities": {"fees_collector": fees, "losses_collector": losses}},
    }


@pytest.mark.parametrize(
    ("fees", "losses", "dashboard", "collector"),
    [
        ("stripe", "stripe", "full", "stripe"),
        ("application", "stripe", "express", "stripe"),
        ("application", "application", "express", "stripe"),
        ("application", "application", "none", "application"),
        ("application_custom", "application", "none", "application"),
    ],
)
async def test_valid_responsibilities(
    sdk: stripe.StripeClient, fees: str, losses: str, dashboard: str, collector: str
) -> None:
    account = await sdk.v2.core.accounts.create_async(
        {**responsibilities(fees, losses, dashboard), "include": ["defaults"]}  # type: ignore[typeddict-item]
    )
    assert account.defaults is not None
    assert account.defaults.responsibilities is not None
    assert account.defaults.responsibilities.requirements_collector == collector


async def test_losses_need_the_platform_to_collect_fees(sdk: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await sdk.v2.core.accounts.create_async(responsibilities("stripe", "application"))  # type: ignore[arg-type]
    assert refused.value.http_status == 400
    assert refused.value.code == "parameter_invalid"
    assert "losses_collector" in str(refused.value)
    # requirements_collector is not a create parameter: the platform cannot claim it
    with pytest.raises(stripe.InvalidRequestError) as claimed:
        await sdk.v2.core.accounts.create_async(
            {  # type: ignore[typeddict-item]
                **MERCHANT_ACCOUNT,
                "defaults": {
                    "responsibilities": {
                        "fees_collector": "application",
                        "losses_collector": "application",
                        "requirements_collector": "application",
                    }
                },
            }
        )
    assert claimed.value.code == "parameter_unknown"
    assert listed_accounts(await sdk.v2.core.accounts.list_async()) == []


def listed_accounts(page: Any) -> list[str]:
    return [a.id for a in page.data]


async def test_responsibilities_are_fixed_at_creation(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(PLATFORM_COLLECTED)  # type: ignore[arg-type]
    same = await sdk.v2.core.accounts.update_async(
        account.id,
        {
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                }
            },
            "include": ["defaults"],
        },
    )
    assert same.defaults is not None
    with pytest.raises(stripe.InvalidRequestError) as changed:
        await sdk.v2.core.accounts.update_async(
            account.id,
            {
                "defaults": {
                    "responsibilities": {
                        "fees_collector": "application",
                        "losses_collector": "stripe",
                    }
                }
            },
        )
    assert changed.value.code == "parameter_invalid"
    assert "cannot be changed" in str(changed.value)
    with pytest.raises(stripe.InvalidRequestError) as dashboard:
        await sdk.v2.core.accounts.update_async(account.id, {"dashboard": "express"})
    assert dashboard.value.code == "parameter_invalid"
    fetched = await sdk.v2.core.accounts.retrieve_async(
        account.id,
        {"include": ["defaults"]},  # type: ignore[typeddict-item]
    )
    assert fetched.defaults is not None
    assert fetched.defaults.responsibilities is not None
    assert fetched.defaults.responsibilities.losses_collector == "application"
    assert fetched.dashboard == "none"


def _link(account: str, **urls: str) -> dict[str, Any]:
    return {
        "account": account,
        "use_case": {"type": "account_onboarding", "account_onboarding": urls},
    }


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("refresh_url", "javascript:alert(1)"),
        ("refresh_url", "JavaScript:alert(1)"),
        ("refresh_url", "/connect/refresh"),
        ("refresh_url", "platform.example/refresh"),
        ("return_url", "ftp://platform.example/return"),
        ("return_url", "data:text/html,hi"),
        ("return_url", "https://"),
        ("return_url", "https://platform.example/a b"),
    ],
)
async def test_link_urls_must_be_absolute_http(
    sdk: stripe.StripeClient, field: str, url: str
) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    urls = {"refresh_url": "https://platform.example/refresh", field: url}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await sdk.v2.core.account_links.create_async(_link(account.id, **urls))  # type: ignore[arg-type]
    assert refused.value.http_status == 400
    assert refused.value.code == "parameter_invalid"
    assert f"use_case.account_onboarding.{field}" in str(refused.value)


async def test_http_and_https_link_urls_are_accepted(sdk: stripe.StripeClient) -> None:
    account = await sdk.v2.core.accounts.create_async(MERCHANT_ACCOUNT)  # type: ignore[arg-type]
    link = await sdk.v2.core.account_links.create_async(
        _link(  # type: ignore[arg-type]
            account.id,
            refresh_url="http://127.0.0.1:8000/connect/refresh?x=1",
            return_url="https://platform.example/connect/return",
        )
    )
    assert link.url


# --------------------------------------------------------------------------- error bodies

ERROR_FIELDS = set(
    load_contract()["components"]["schemas"]["v2.error"]["properties"]["error"]["properties"]
)


def assert_v2_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    validate_schema("v2.error", body)
    assert set(body) == {"error"}
    assert set(body["error"]) <= ERROR_FIELDS, set(body["error"]) - ERROR_FIELDS
    assert body["error"]["code"] == code
    assert body["error"]["type"]
    assert response.headers["request-id"].startswith("req_")


def test_every_error_path_has_the_v2_error_shape(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    base = emulator.base_url
    account = create_account(api)["id"]
    platform = create_account(api, PLATFORM_COLLECTED)["id"]
    update_link = {
        "account": create_account(api)["id"],
        "use_case": {
            "type": "account_update",
            "account_update": {"refresh_url": "https://p.example/r"},
        },
    }
    cases: list[tuple[httpx.Response, int, str]] = [
        (httpx.get(f"{base}/v2/core/events"), 401, "api_key_missing"),
        (
            httpx.get(f"{base}/v2/core/events", headers={"Authorization": "Bearer sk_live_x1234"}),
            401,
            "livemode_mismatch",
        ),
        (
            httpx.get(f"{base}/v2/core/events", headers={"Authorization": "Bearer pk_test_x1234"}),
            401,
            "api_key_invalid",
        ),
        (
            api.get("/v2/core/events", headers={"Stripe-Version": "latest"}),
            400,
            "invalid_api_version",
        ),
        (
            api.post("/v2/core/accounts", json={}, headers={"Idempotency-Key": "k" * 256}),
            400,
            "parameter_invalid",
        ),
        (api.post("/v2/core/accounts", content=b"{not json"), 400, "parameter_invalid"),
        (api.post("/v2/core/accounts", json={"nickname": "x"}), 400, "parameter_unknown"),
        (api.post("/v2/core/account_links", json={"use_case": {}}), 400, "parameter_missing"),
        (api.post("/v2/core/accounts", json={"dashboard": "fancy"}), 400, "parameter_invalid"),
        (api.get("/v2/core/accounts/acct_nope"), 404, "not_found"),
        (api.get("/v2/core/events/evt_nope"), 404, "not_found"),
        (api.get("/v2/core/event_destinations/ed_nope"), 404, "not_found"),
        (api.get("/v2/core/nothing_here"), 404, "not_found"),
        (api.delete(f"/v2/core/accounts/{account}"), 405, "method_not_allowed"),
        (api.get("/v2/core/events", params={"page": "bogus"}), 400, "parameter_invalid"),
        (api.get("/v2/core/events", params={"limit": 0}), 400, "parameter_invalid"),
        (api.post("/v2/core/account_links", json=update_link), 400, "parameter_invalid"),
        (
            api.post("/v2/core/accounts", json=responsibilities("stripe", "application")),
            400,
            "parameter_invalid",
        ),
        (
            api.post(f"/v2/core/accounts/{platform}", json={"dashboard": "full"}),
            400,
            "parameter_invalid",
        ),
    ]
    customer = create_account(api, {"configuration": {"customer": {}}})["id"]
    cases.append(
        (
            api.post(
                "/v2/core/account_links",
                json=_link(customer, refresh_url="https://p.example/r"),
            ),
            400,
            "configs_must_match_to_use_account_links",
        )
    )
    api.post("/v2/core/accounts", json=MERCHANT_ACCOUNT, headers={"Idempotency-Key": "same"})
    cases.append(
        (
            api.post("/v2/core/accounts", json={}, headers={"Idempotency-Key": "same"}),
            400,
            "idempotency_key_reused",
        )
    )
    control(emulator, f"/accounts/{account}/close")
    cases.append(
        (
            api.post(f"/v2/core/accounts/{account}", json={"display_name": "x"}),
            400,
            "account_closed",
        )
    )
    for status, code in ((429, "account_rate_limit_exceeded"), (503, "service_unavailable")):
        control(emulator, "/faults", {"count": 1, "status": status})
        cases.append((api.get("/v2/core/events"), status, code))
    for response, status, code in cases:
        assert_v2_error(response, status, code)


async def test_an_unexpected_failure_is_a_v2_api_error() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    gate = ApiGate(broken, Emulator(EmulatorConfig()))
    transport = httpx.ASGITransport(app=gate)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        response = await client.get(
            "/v2/core/events", headers={"Authorization": "Bearer sk_test_123456789"}
        )
    assert_v2_error(response, 500, "internal_error")
    assert response.json()["error"]["type"] == "api_error"
