"""``POST /v2/core/account_links``: single-use links to the emulator's hosted onboarding."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator.clock import rfc3339
from stripe_emulator.common import api_version, emulator, read_json, version_date
from stripe_emulator.config import CONFIGURATIONS_REMOVED_IN
from stripe_emulator.errors import ApiError, invalid_parameter, missing_parameter, not_found
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id
from stripe_emulator.validation import check_url, validate_body

router = APIRouter()
USE_CASES = ("account_onboarding", "account_update")
LINKABLE_CONFIGURATIONS = frozenset({"merchant", "recipient"})
_INTERNAL_KEYS = ("visited", "completed", "expired", "session")


def configurations_required(version: str) -> bool:
    """Before 2026-09-30.endive ``use_case.<type>.configurations`` is required; then removed."""
    return version_date(version) < version_date(CONFIGURATIONS_REMOVED_IN)


@router.post("/v2/core/account_links")
async def create_account_link(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await read_json(request)
    old_api = configurations_required(api_version(request))
    checked, requested_configs = _split_configurations(body, old_api)
    validate_body("account_link_create", checked)
    kind, options = _use_case_options(checked["use_case"])
    if old_api:
        _check_requested_configurations(kind, requested_configs)
    async with emu.lock:
        record = _linkable_account(emu, checked["account"], requested_configs)
        _check_use_case_allowed(record, kind)
        link = _mint(emu, record, kind, options, requested_configs)
        emu.persist()
    return JSONResponse(_public(link))


def _split_configurations(body: Any, old_api: bool) -> tuple[Any, list[str] | None]:
    """Older API versions take ``use_case.<type>.configurations``, which the contract (the
    current version) does not have: take it out before validating against the contract."""
    checked = copy.deepcopy(body)
    requested: list[str] | None = None
    if not old_api or not isinstance(checked, dict):
        return checked, requested
    use_case = checked.get("use_case")
    if isinstance(use_case, dict):
        for name in USE_CASES:
            options = use_case.get(name)
            if isinstance(options, dict) and "configurations" in options:
                requested = options.pop("configurations")
    return checked, requested


def _use_case_options(use_case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The use case type and its options hash; only the hash matching the type may be set."""
    kind: str = use_case["type"]
    options = use_case.get(kind)
    if not isinstance(options, dict):
        raise missing_parameter(f"use_case.{kind}")
    for other in USE_CASES:
        if other != kind and other in use_case:
            raise invalid_parameter(
                f"use_case.{other}", f"use_case.{other} cannot be set when use_case.type is {kind}"
            )
    for name in ("refresh_url", "return_url"):
        if name in options:
            check_url(f"use_case.{kind}.{name}", str(options[name]), livemode=False)
    return kind, options


def _check_requested_configurations(kind: str, requested: list[str] | None) -> None:
    param = f"use_case.{kind}.configurations"
    if requested is None:
        raise missing_parameter(param)
    if (
        not isinstance(requested, list)
        or not requested
        or any(c not in ("customer", "merchant", "recipient") for c in requested)
    ):
        raise invalid_parameter(
            param, f"Invalid {param}: must be a list of customer, merchant, recipient"
        )


def _linkable_account(
    emu: Emulator, account_id: str, requested: list[str] | None
) -> dict[str, Any]:
    """The account, which must have a merchant or recipient configuration (and, on older API
    versions, every configuration the request names)."""
    record = emu.state.accounts.get(account_id)
    if record is None:
        raise not_found("account", account_id)
    if record.get("closed"):
        raise ApiError(
            400,
            "account_closed",
            f"The account {account_id} is closed: Account Links cannot be created for it.",
        )
    applied = set(record.get("applied_configurations", []))
    if not applied & LINKABLE_CONFIGURATIONS or (
        requested is not None and not set(requested) <= applied
    ):
        raise ApiError(
            400,
            "configs_must_match_to_use_account_links",
            "Account cannot be onboarded via v2/core/account_links without specifying the "
            "right configurations.",
        )
    return record


def _check_use_case_allowed(record: dict[str, Any], kind: str) -> None:
    """``account_update`` links need the platform to be responsible for requirements."""
    collector = ((record.get("defaults") or {}).get("responsibilities") or {}).get(
        "requirements_collector"
    )
    if kind == "account_update" and collector != "application":
        raise ApiError(
            400,
            "parameter_invalid",
            "account_update Account Links can only be created for accounts where the platform "
            "is responsible for requirement collection "
            "(defaults.responsibilities.requirements_collector = application).",
        )


def _mint(
    emu: Emulator,
    record: dict[str, Any],
    kind: str,
    options: dict[str, Any],
    requested: list[str] | None,
) -> dict[str, Any]:
    """Create and store the link record (public fields plus the emulator's bookkeeping)."""
    now = emu.now()
    expires = now + emu.config.link_ttl
    token = new_id("alu_test_", 40)
    echoed: dict[str, Any] = copy.deepcopy(options)
    if requested is not None:
        echoed["configurations"] = requested
    applied = set(record.get("applied_configurations", []))
    link: dict[str, Any] = {
        "object": "v2.core.account_link",
        "account": record["id"],
        "created": rfc3339(now),
        "expires_at": rfc3339(expires),
        "livemode": False,
        "url": f"{emu.config.base_url}/hosted/onboarding/{token}",
        "use_case": {"type": kind, kind: echoed},
        "_token": token,
        "_expires_ts": expires,
        "_configurations": requested or sorted(applied & LINKABLE_CONFIGURATIONS),
        "visited": False,
        "completed": False,
        "expired": False,
        "session": None,
    }
    emu.state.links[token] = link
    return link


def _public(link: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in link.items() if not k.startswith("_") and k not in _INTERNAL_KEYS}
