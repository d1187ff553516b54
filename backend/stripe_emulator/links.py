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
from stripe_emulator.store import new_id
from stripe_emulator.validation import validate_body

router = APIRouter()
USE_CASES = ("account_onboarding", "account_update")


def configurations_required(version: str) -> bool:
    """Before 2026-09-30.endive ``use_case.<type>.configurations`` is required; then removed."""
    return version_date(version) < version_date(CONFIGURATIONS_REMOVED_IN)


@router.post("/v2/core/account_links")
async def create_account_link(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await read_json(request)
    version = api_version(request)
    old_api = configurations_required(version)
    requested_configs: list[str] | None = None
    checked = copy.deepcopy(body)
    if old_api and isinstance(checked, dict):
        use_case = checked.get("use_case")
        if isinstance(use_case, dict):
            for name in USE_CASES:
                options = use_case.get(name)
                if isinstance(options, dict) and "configurations" in options:
                    requested_configs = options.pop("configurations")
    validate_body("account_link_create", checked)
    use_case = checked["use_case"]
    kind = use_case["type"]
    options = use_case.get(kind)
    if not isinstance(options, dict):
        raise missing_parameter(f"use_case.{kind}")
    for other in USE_CASES:
        if other != kind and other in use_case:
            raise invalid_parameter(
                f"use_case.{other}", f"use_case.{other} cannot be set when use_case.type is {kind}"
            )
    if old_api:
        if requested_configs is None:
            raise missing_parameter(f"use_case.{kind}.configurations")
        if (
            not isinstance(requested_configs, list)
            or not requested_configs
            or any(c not in ("customer", "merchant", "recipient") for c in requested_configs)
        ):
            raise invalid_parameter(
                f"use_case.{kind}.configurations",
                f"Invalid use_case.{kind}.configurations: must be a list of customer, merchant, "
                "recipient",
            )
    async with emu.lock:
        record = emu.state.accounts.get(checked["account"])
        if record is None:
            raise not_found("account", checked["account"])
        applied = set(record.get("applied_configurations", []))
        if not applied & {"merchant", "recipient"} or (
            requested_configs is not None and not set(requested_configs) <= applied
        ):
            raise ApiError(
                400,
                "configs_must_match_to_use_account_links",
                "Account cannot be onboarded via v2/core/account_links without specifying the "
                "right configurations.",
            )
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
                param="use_case.type",
            )
        now = emu.now()
        expires = now + emu.config.link_ttl
        token = new_id("alu_test_", 40)
        echoed: dict[str, Any] = copy.deepcopy(options)
        if requested_configs is not None:
            echoed["configurations"] = requested_configs
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
            "_configurations": requested_configs or sorted(applied & {"merchant", "recipient"}),
            "visited": False,
            "completed": False,
            "expired": False,
            "session": None,
        }
        emu.state.links[token] = link
        emu.persist()
        public = {
            k: v
            for k, v in link.items()
            if not k.startswith("_") and k not in ("visited", "completed", "expired", "session")
        }
    return JSONResponse(public)
