"""``POST /v1/accounts/{id}/login_links`` through the official SDK, and the page it opens."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

from tests.emulator.conftest import MERCHANT_ACCOUNT, PLATFORM_COLLECTED, control, create_account
from tests.support.emulator_server import EmulatorHandle

EXPRESS_ACCOUNT: dict[str, Any] = {**MERCHANT_ACCOUNT, "dashboard": "express"}


async def test_express_accounts_get_a_single_use_login_link(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api, EXPRESS_ACCOUNT)
    link = await sdk.v1.accounts.login_links.create_async(account["id"])
    assert link.object == "login_link"
    assert isinstance(link.created, int)
    assert abs(link.created - emulator.app.state.emulator.now()) < 5
    assert link.url.startswith(f"{emulator.base_url}/express/")
    async with httpx.AsyncClient() as client:
        first = await client.get(link.url)
        again = await client.get(link.url)
        response = await client.get(
            f"{emulator.base_url}/_emulator/login_links", params={"account": account["id"]}
        )
    assert first.status_code == 200
    assert "Express dashboard (emulated)" in first.text
    assert "Acme Tools" in first.text
    assert first.headers["cache-control"] == "no-store"
    assert again.status_code == 410
    assert "expired" in again.text
    listed = response.json()["data"]
    assert [(x["used"], x["expired"]) for x in listed] == [(True, False)]
    assert link.url not in repr(listed)


async def test_each_link_is_new(sdk: stripe.StripeClient, api: httpx.Client) -> None:
    account = create_account(api, EXPRESS_ACCOUNT)
    first = await sdk.v1.accounts.login_links.create_async(account["id"])
    second = await sdk.v1.accounts.login_links.create_async(account["id"])
    assert first.url != second.url


async def test_links_expire(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api, EXPRESS_ACCOUNT)
    link = await sdk.v1.accounts.login_links.create_async(account["id"])
    control(emulator, "/clock/advance", {"seconds": emulator.config.link_ttl + 1})
    async with httpx.AsyncClient() as client:
        assert (await client.get(link.url)).status_code == 410


def test_unknown_token_is_not_found(emulator: EmulatorHandle) -> None:
    assert httpx.get(f"{emulator.base_url}/express/nothing").status_code == 404


@pytest.mark.parametrize(
    ("body", "dashboard"), [(MERCHANT_ACCOUNT, "full"), (PLATFORM_COLLECTED, "none")]
)
async def test_accounts_without_the_express_dashboard_are_refused(
    sdk: stripe.StripeClient, api: httpx.Client, body: dict[str, Any], dashboard: str
) -> None:
    account = create_account(api, body)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await sdk.v1.accounts.login_links.create_async(account["id"])
    assert exc.value.http_status == 400
    assert exc.value.code == "parameter_invalid"
    assert "Express Dashboard" in exc.value.user_message  # type: ignore[operator]
    assert f"`{dashboard}`" in str(exc.value.user_message)


async def test_unknown_and_closed_accounts_are_refused(
    sdk: stripe.StripeClient, api: httpx.Client
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await sdk.v1.accounts.login_links.create_async("acct_test_nope")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
    account = create_account(api, EXPRESS_ACCOUNT)
    await sdk.v2.core.accounts.close_async(account["id"])
    with pytest.raises(stripe.InvalidRequestError) as closed:
        await sdk.v1.accounts.login_links.create_async(account["id"])
    assert closed.value.http_status == 400
    assert closed.value.code == "account_closed"


def test_unknown_parameters_are_refused(api: httpx.Client) -> None:
    account = create_account(api, EXPRESS_ACCOUNT)
    response = api.post(f"/v1/accounts/{account['id']}/login_links", data={"redirect_url": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parameter_unknown"
    assert response.json()["error"]["param"] == "redirect_url"
