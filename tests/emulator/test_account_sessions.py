"""``POST /v1/account_sessions`` through the official SDK (stripe 16.1.0): the contract."""

from __future__ import annotations

import logging
import typing
from typing import Any

import httpx
import pytest
import stripe
from stripe import _account_session as sdk_session
from stripe.params import _account_session_create_params as sdk_params

from stripe_emulator.account_sessions import COMPONENTS, SESSION_TTL
from tests.emulator.conftest import MERCHANT_ACCOUNT, PLATFORM_COLLECTED, create_account
from tests.support.emulator_server import EmulatorHandle

THREE = {
    "account_onboarding": {"enabled": True},
    "account_management": {"enabled": True},
    "notification_banner": {"enabled": True},
}


def emulated_now(emulator: EmulatorHandle) -> float:
    """The emulator's clock (it may run ahead of ours)."""
    emu = emulator.app.state.emulator
    now: float = emu.now()
    return now


async def create_session(
    sdk: stripe.StripeClient, account: str, components: dict[str, Any] | None = None
) -> stripe.AccountSession:
    return await sdk.v1.account_sessions.create_async(
        {"account": account, "components": components or THREE}  # type: ignore[typeddict-item]
    )


def v1_error(exc: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = exc.value.json_body
    assert isinstance(body, dict)
    error: dict[str, Any] = body["error"]
    return error


# --------------------------------------------------------------------------- the SDK's types


def _features_of(typed_dict: type) -> set[str]:
    return set(typing.get_type_hints(typed_dict))


def test_components_match_the_sdk_request_and_response_types() -> None:
    request = typing.get_type_hints(sdk_params.AccountSessionCreateParamsComponents)
    assert set(request) == set(COMPONENTS)
    for name, component in request.items():
        features = typing.get_type_hints(component)["features"]
        assert _features_of(features) == set(COMPONENTS[name]), name
    response = sdk_session.AccountSession.Components._inner_class_types
    assert set(response) == set(COMPONENTS)
    for name, cls in response.items():
        assert set(cls.Features.__annotations__) == set(COMPONENTS[name]), name


# --------------------------------------------------------------------------- creating sessions


async def test_sdk_creates_a_session_with_every_component(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    before = emulated_now(emulator)
    session = await create_session(sdk, account["id"])
    assert session.object == "account_session"
    assert session.account == account["id"]
    assert session.livemode is False
    assert session.client_secret.startswith("accs_secret__")
    assert len(session.client_secret) > 40
    assert before + SESSION_TTL - 5 <= session.expires_at <= emulated_now(emulator) + SESSION_TTL
    components = session.components
    assert set(components.to_dict()) == set(COMPONENTS)
    enabled = {name for name, c in components.to_dict().items() if c["enabled"]}
    assert enabled == set(THREE)
    onboarding = components.account_onboarding
    assert onboarding.features.external_account_collection is True
    assert onboarding.features.disable_stripe_user_authentication is False
    # components not asked for are present, disabled, with their default features
    payouts = components.payouts.features
    assert components.payouts.enabled is False
    assert (payouts.standard_payouts, payouts.edit_payout_schedule) == (True, True)
    assert components.payments.features.refund_management is True
    assert components.payments.features.destination_on_behalf_of_charge_management is False
    assert components.issuing_card.features.card_management is False


async def test_secrets_are_unique_and_only_their_hash_is_kept(
    sdk: stripe.StripeClient, emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    first = await create_session(sdk, account["id"])
    second = await create_session(sdk, account["id"])
    assert first.client_secret != second.client_secret
    state = emulator.app.state.emulator.state
    kept = repr(state.account_sessions)
    assert first.client_secret not in kept
    assert second.client_secret not in kept
    async with httpx.AsyncClient(base_url=emulator.base_url) as client:
        response = await client.get(
            "/_emulator/account_sessions", params={"account": account["id"]}
        )
    listed = response.json()["data"]
    assert len(listed) == 2
    assert listed[0]["enabled"] == sorted(THREE)
    assert first.client_secret not in repr(listed)


async def test_the_secret_is_never_logged(
    sdk: stripe.StripeClient, api: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    account = create_account(api)
    caplog.set_level(logging.DEBUG)
    session = await create_session(sdk, account["id"])
    async with httpx.AsyncClient(base_url=str(api.base_url)) as client:
        looked_up = await client.get(
            "/connect-js/session", headers={"Authorization": f"Bearer {session.client_secret}"}
        )
    assert looked_up.status_code == 200
    assert session.client_secret not in caplog.text


async def test_platform_collected_accounts_may_turn_off_stripe_features(
    sdk: stripe.StripeClient, api: httpx.Client
) -> None:
    account = create_account(api, PLATFORM_COLLECTED)
    session = await create_session(
        sdk,
        account["id"],
        {
            "account_onboarding": {
                "enabled": True,
                "features": {"external_account_collection": False},
            },
            "notification_banner": {
                "enabled": True,
                "features": {"disable_stripe_user_authentication": True},
            },
        },
    )
    onboarding = session.components.account_onboarding.features
    # "The default value is the opposite of the external_account_collection value."
    assert onboarding.external_account_collection is False
    assert onboarding.disable_stripe_user_authentication is True
    assert session.components.notification_banner.features.disable_stripe_user_authentication
    # the platform is liable for losses: payout features default off
    assert session.components.payouts.features.standard_payouts is False


async def test_idempotent_replay_returns_the_same_session(
    emulator: EmulatorHandle, api: httpx.Client
) -> None:
    account = create_account(api)
    sdk = stripe.StripeClient(
        emulator.api_key,
        http_client=stripe.HTTPXClient(),
        base_addresses={"api": emulator.base_url},
        max_network_retries=0,
    )
    params: Any = {"account": account["id"], "components": THREE}
    options: Any = {"idempotency_key": "session-once"}
    first = await sdk.v1.account_sessions.create_async(params, options)
    again = await sdk.v1.account_sessions.create_async(params, options)
    assert again.client_secret == first.client_secret


# --------------------------------------------------------------------------- errors


async def test_unknown_account_is_resource_missing(sdk: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await create_session(sdk, "acct_test_nope")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    assert v1_error(exc) == {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "message": "No such account: 'acct_test_nope'",
        "param": "account",
    }


@pytest.mark.parametrize(
    ("components", "code", "param"),
    [
        ({"account_onboarding": {"enabled": False}}, "parameter_invalid", "components"),
        (
            {"hosted_dashboard": {"enabled": True}},
            "parameter_unknown",
            "components[hosted_dashboard]",
        ),
        (
            {"account_onboarding": {"enabled": True, "features": {"instant_payouts": True}}},
            "parameter_unknown",
            "components[account_onboarding][features][instant_payouts]",
        ),
        (
            {
                "account_onboarding": {
                    "enabled": True,
                    "features": {"external_account_collection": False},
                }
            },
            "parameter_invalid",
            "components[account_onboarding][features][external_account_collection]",
        ),
        (
            {
                "account_management": {
                    "enabled": True,
                    "features": {"disable_stripe_user_authentication": True},
                }
            },
            "parameter_invalid",
            "components[account_management][features][disable_stripe_user_authentication]",
        ),
    ],
)
async def test_invalid_components_are_refused(
    sdk: stripe.StripeClient,
    api: httpx.Client,
    components: dict[str, Any],
    code: str,
    param: str,
) -> None:
    account = create_account(api, MERCHANT_ACCOUNT)  # Stripe collects its requirements
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await create_session(sdk, account["id"], components)
    assert exc.value.http_status == 400
    assert exc.value.code == code
    assert v1_error(exc)["param"] == param


async def test_closed_account_is_refused(sdk: stripe.StripeClient, api: httpx.Client) -> None:
    account = create_account(api)
    await sdk.v2.core.accounts.close_async(account["id"])
    with pytest.raises(stripe.InvalidRequestError) as exc:
        await create_session(sdk, account["id"])
    assert exc.value.http_status == 400
    assert exc.value.code == "account_closed"


@pytest.mark.parametrize(
    ("form", "code", "param"),
    [
        ({"components[account_onboarding][enabled]": "true"}, "parameter_missing", "account"),
        ({"account": "{id}"}, "parameter_missing", "components"),
        (
            {
                "account": "{id}",
                "components[account_onboarding][features][external_account_collection]": "true",
            },
            "parameter_missing",
            "components[account_onboarding][enabled]",
        ),
        (
            {"account": "{id}", "components[account_onboarding][enabled]": "yes"},
            "parameter_invalid",
            "components[account_onboarding][enabled]",
        ),
        (
            {"account": "{id}", "components[account_onboarding][enabled]": "true", "colour": "red"},
            "parameter_unknown",
            "colour",
        ),
        (
            {
                "account": "{id}",
                "components[account_onboarding][enabled]": "true",
                "components[account_onboarding][size]": "l",
            },
            "parameter_unknown",
            "components[account_onboarding][size]",
        ),
    ],
)
def test_form_validation_uses_v1_errors(
    api: httpx.Client, form: dict[str, str], code: str, param: str
) -> None:
    account = create_account(api)
    data = {k: v.replace("{id}", account["id"]) for k, v in form.items()}
    response = api.post("/v1/account_sessions", data=data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", code, param)
    assert response.headers["request-id"].startswith("req_")


def test_expand_is_accepted_in_either_array_form(api: httpx.Client) -> None:
    account = create_account(api)
    for key in ("expand[0]", "expand[]"):
        response = api.post(
            "/v1/account_sessions",
            data={
                "account": account["id"],
                "components[notification_banner][enabled]": "true",
                key: "components",
            },
        )
        assert response.status_code == 200, response.text


def test_v1_needs_a_test_mode_key(emulator: EmulatorHandle) -> None:
    url = f"{emulator.base_url}/v1/account_sessions"
    missing = httpx.post(url, data={"account": "acct_x"})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "api_key_missing"
    live = httpx.post(url, headers={"Authorization": "Bearer sk_live_abc123456"})
    assert live.status_code == 401
    assert live.json()["error"]["code"] == "livemode_mismatch"


def test_unknown_v1_route_answers_a_v1_error(api: httpx.Client) -> None:
    response = api.post("/v1/charges")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_injected_faults_apply_to_v1(emulator: EmulatorHandle, api: httpx.Client) -> None:
    account = create_account(api)
    httpx.post(
        f"{emulator.base_url}/_emulator/faults",
        json={"count": 1, "status": 503, "paths": ["/v1/account_sessions"]},
    )
    data = {"account": account["id"], "components[account_onboarding][enabled]": "true"}
    failed = api.post("/v1/account_sessions", data=data)
    assert failed.status_code == 503
    assert failed.headers["stripe-should-retry"] == "true"
    assert api.post("/v1/account_sessions", data=data).status_code == 200
