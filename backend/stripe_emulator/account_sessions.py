"""``POST /v1/account_sessions``: client secrets for Connect embedded components.

A v1 endpoint (form-encoded, v1 errors) that takes the v2 accounts this emulator keeps. The
response has every component the SDK's ``AccountSession.Components`` lists, with its features
filled in from Stripe's documented defaults. The client secret is returned once and never kept:
the state holds its SHA-256, which is how the Connect.js stand-in (:mod:`stripe_emulator.embedded`)
finds the session again.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator.common import emulator
from stripe_emulator.errors import (
    ApiError,
    invalid_parameter,
    missing_parameter,
    resource_missing,
    unknown_parameter,
)
from stripe_emulator.forms import check_known, parse_bool, parse_expand, parse_form, parse_hash
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id

router = APIRouter()

#: How long a client secret works (Stripe: "expire relatively quickly").
SESSION_TTL: Final = 30 * 60.0

_AUTH = "disable_stripe_user_authentication"
_EXTERNAL = "external_account_collection"
_ACCOUNT_FEATURES: Final = (_AUTH, _EXTERNAL)
_PAYOUT_FEATURES: Final = (
    _AUTH,
    "edit_payout_schedule",
    _EXTERNAL,
    "instant_payouts",
    "standard_payouts",
)
_PAYMENT_FEATURES: Final = (
    "capture_payments",
    "destination_on_behalf_of_charge_management",
    "dispute_management",
    "refund_management",
    "smart_disputes_management",
)

#: Every component of stripe-python 16.1.0's ``AccountSessionCreateParamsComponents`` and
#: ``AccountSession.Components``, with its features (tests/emulator/test_account_sessions.py
#: checks this against the installed SDK).
COMPONENTS: Final[dict[str, tuple[str, ...]]] = {
    "account_management": _ACCOUNT_FEATURES,
    "account_onboarding": _ACCOUNT_FEATURES,
    "balance_report": (),
    "balances": _PAYOUT_FEATURES,
    "disputes_list": _PAYMENT_FEATURES,
    "documents": (),
    "financial_account": (_AUTH, _EXTERNAL, "send_money", "transfer_balance"),
    "financial_account_transactions": ("card_spend_dispute_management",),
    "instant_payouts_promotion": (_AUTH, _EXTERNAL, "instant_payouts"),
    "issuing_card": (
        "card_management",
        "card_spend_dispute_management",
        "cardholder_management",
        "spend_control_management",
    ),
    "issuing_cards_list": (
        "card_management",
        "card_spend_dispute_management",
        "cardholder_management",
        _AUTH,
        "spend_control_management",
    ),
    "notification_banner": _ACCOUNT_FEATURES,
    "payment_details": _PAYMENT_FEATURES,
    "payment_disputes": _PAYMENT_FEATURES[1:],
    "payment_method_settings": (_AUTH,),
    "payments": _PAYMENT_FEATURES,
    "payout_details": (),
    "payout_reconciliation_report": (),
    "payouts": _PAYOUT_FEATURES,
    "payouts_list": (),
    "reporting_chart": (),
    "tax_registrations": (),
    "tax_settings": (),
    "terminal_hardware_orders": (),
    "terminal_hardware_shop": (),
}

#: Feature defaults that do not depend on the account.
_DEFAULT_ON: Final = frozenset(
    {
        _EXTERNAL,
        "capture_payments",
        "dispute_management",
        "refund_management",
        "send_money",
        "transfer_balance",
    }
)
#: Defaults that are ``true`` when Stripe is liable for the account's negative balances.
_ON_WHEN_STRIPE_LIABLE: Final = frozenset(
    {"edit_payout_schedule", "instant_payouts", "standard_payouts"}
)


def secret_key(client_secret: str) -> str:
    """How a session is stored and looked up: the SHA-256 of its client secret."""
    return hashlib.sha256(client_secret.encode()).hexdigest()


def _responsibilities(record: dict[str, Any]) -> dict[str, Any]:
    responsibilities: dict[str, Any] = (record.get("defaults") or {}).get("responsibilities") or {}
    return responsibilities


def platform_collects_requirements(record: dict[str, Any]) -> bool:
    """v1's ``controller.requirement_collection == application`` for a v2 account."""
    return _responsibilities(record).get("requirements_collector") == "application"


# --------------------------------------------------------------------------- the request


def _parse(params: dict[str, Any]) -> tuple[str, dict[str, dict[str, Any]]]:
    """The account id and the requested components (``enabled`` and the features given)."""
    check_known(params, ("account", "components", "expand"))
    parse_expand(params)
    account = params.get("account")
    if account is None or account == "":
        raise missing_parameter("account")
    if not isinstance(account, str):
        raise invalid_parameter("account", "Invalid string: account must be a string")
    raw = params.get("components")
    if raw is None or raw == "":
        raise missing_parameter("components")
    requested = {
        name: _parse_component(name, options)
        for name, options in parse_hash(raw, "components").items()
    }
    if not any(c["enabled"] for c in requested.values()):
        raise invalid_parameter(
            "components",
            "You must enable at least one component: set components[<name>][enabled] to true.",
        )
    return account, requested


def _parse_component(name: str, options: Any) -> dict[str, Any]:
    param = f"components[{name}]"
    if name not in COMPONENTS:
        raise unknown_parameter(param)
    options = parse_hash(options, param)
    check_known(options, ("enabled", "features"), param)
    if "enabled" not in options:
        raise missing_parameter(f"{param}[enabled]")
    enabled = parse_bool(options["enabled"], f"{param}[enabled]")
    raw_features = options.get("features")
    features: dict[str, bool] = {}
    if raw_features not in (None, ""):
        given = parse_hash(raw_features, f"{param}[features]")
        check_known(given, COMPONENTS[name], f"{param}[features]")
        features = {k: parse_bool(v, f"{param}[features][{k}]") for k, v in given.items()}
    return {"enabled": enabled, "features": features}


# --------------------------------------------------------------------------- the response


def _check_features(record: dict[str, Any], name: str, features: dict[str, bool]) -> None:
    """Two features are only for accounts whose platform collects requirements."""
    if platform_collects_requirements(record):
        return
    where = (
        "accounts where the platform is responsible for collecting requirements "
        "(controller.requirement_collection = application; on a v2 account, "
        "defaults.responsibilities.requirements_collector = application)"
    )
    if features.get(_AUTH) is True:
        raise invalid_parameter(
            f"components[{name}][features][{_AUTH}]",
            f"{_AUTH} can only be true for {where}.",
        )
    if features.get(_EXTERNAL) is False:
        raise invalid_parameter(
            f"components[{name}][features][{_EXTERNAL}]",
            f"{_EXTERNAL} can only be false for {where}.",
        )


def _features(record: dict[str, Any], name: str, given: dict[str, bool]) -> dict[str, bool]:
    """Every feature of a component: what was asked for, else Stripe's default."""
    stripe_liable = _responsibilities(record).get("losses_collector", "stripe") == "stripe"
    features: dict[str, bool] = {}
    for feature in COMPONENTS[name]:
        if feature in given:
            features[feature] = given[feature]
        elif feature == _AUTH:
            # "The default value is the opposite of the external_account_collection value."
            features[feature] = not given.get(_EXTERNAL, True)
        elif feature == "smart_disputes_management":
            features[feature] = given.get("dispute_management", True)
        elif feature in _ON_WHEN_STRIPE_LIABLE:
            features[feature] = stripe_liable
        else:
            features[feature] = feature in _DEFAULT_ON
    return features


def _components(
    record: dict[str, Any], requested: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for name in COMPONENTS:
        asked = requested.get(name, {"enabled": False, "features": {}})
        _check_features(record, name, asked["features"])
        components[name] = {
            "enabled": asked["enabled"],
            "features": _features(record, name, asked["features"]),
        }
    return components


def _session_account(emu: Emulator, account_id: str) -> dict[str, Any]:
    record = emu.state.accounts.get(account_id)
    if record is None:
        raise resource_missing("account", account_id, "account")
    if record.get("closed"):
        raise ApiError(
            400,
            "account_closed",
            f"The account {account_id} is closed: Account Sessions cannot be created for it.",
            param="account",
        )
    return record


def _prune(emu: Emulator) -> None:
    """Forget sessions that expired more than a day ago."""
    cutoff = emu.now() - 24 * 3600
    for key in [k for k, s in emu.state.account_sessions.items() if s["expires_ts"] < cutoff]:
        del emu.state.account_sessions[key]


@router.post("/v1/account_sessions")
async def create_account_session(request: Request) -> JSONResponse:
    emu = emulator(request)
    account_id, requested = _parse(parse_form(await request.body()))
    async with emu.lock:
        record = _session_account(emu, account_id)
        components = _components(record, requested)
        client_secret = new_id("accs_secret__", 48)
        now = emu.now()
        _prune(emu)
        emu.state.account_sessions[secret_key(client_secret)] = {
            "account": account_id,
            "created_ts": now,
            "expires_ts": now + SESSION_TTL,
            "components": components,
            "requests": 0,
        }
        emu.persist()
    return JSONResponse(
        {
            "object": "account_session",
            "account": account_id,
            "client_secret": client_secret,
            "expires_at": int(now + SESSION_TTL),
            "livemode": False,
            "components": components,
        }
    )


@router.get("/_emulator/account_sessions")
async def list_account_sessions(request: Request, account: str | None = None) -> JSONResponse:
    """Sessions minted (newest first), without their secrets: for tests and debugging."""
    emu = emulator(request)
    async with emu.lock:
        sessions = [
            {
                "account": s["account"],
                "created": int(s["created_ts"]),
                "expires_at": int(s["expires_ts"]),
                "expired": emu.now() >= s["expires_ts"],
                "enabled": sorted(n for n, c in s["components"].items() if c["enabled"]),
                "requests": s.get("requests", 0),
            }
            for s in reversed(list(emu.state.account_sessions.values()))
            if account is None or s["account"] == account
        ]
    return JSONResponse({"data": sessions})
