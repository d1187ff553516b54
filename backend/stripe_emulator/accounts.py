"""``/v2/core/accounts``: create, list, retrieve (with ``include``) and update."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator import requirements as req
from stripe_emulator.catalogue import COUNTRIES
from stripe_emulator.clock import rfc3339
from stripe_emulator.common import (
    decode_page,
    emulator,
    encode_page,
    read_json,
    reason,
)
from stripe_emulator.errors import ApiError, invalid_parameter, not_found
from stripe_emulator.runtime import INCLUDABLE, Emulator
from stripe_emulator.store import new_id
from stripe_emulator.validation import (
    as_list,
    check_includes,
    check_known,
    parse_bool,
    parse_limit,
    parse_query,
    validate_body,
)

router = APIRouter()
CONFIG_NAMES = ("customer", "merchant", "recipient")


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _extract_id_numbers(record: dict[str, Any]) -> None:
    """Keep ID number values out of the public object (Stripe never returns them)."""
    secrets = record["_emu"]["secrets"]
    for path, key in (
        ("identity.business_details.id_numbers", "business_id_number"),
        ("identity.individual.id_numbers", "individual_id_number"),
    ):
        numbers = req.get_path(record, path)
        if not isinstance(numbers, list):
            continue
        public = []
        for item in numbers:
            if isinstance(item, dict) and "value" in item:
                secrets[key] = str(item["value"]).replace("-", "")
            public.append({k: v for k, v in item.items() if k != "value"})
        req.set_path(record, path, public)


def _derive(record: dict[str, Any], emu: Emulator) -> None:
    """Fill read-only and derived fields after a create or update."""
    configuration = record.get("configuration") or {}
    record["applied_configurations"] = [n for n in CONFIG_NAMES if configuration.get(n) is not None]
    identity = record.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("individual"), dict):
        individual = identity["individual"]
        now = rfc3339(emu.now())
        individual.setdefault("id", record["_emu"]["person_id"])
        individual.setdefault("object", "v2.core.account_person")
        individual.setdefault("account", record["id"])
        individual.setdefault("created", now)
        individual["updated"] = now


def _responsibilities(body: dict[str, Any]) -> dict[str, str]:
    """The create request's responsibilities, checked the way Stripe checks them.

    ``losses_collector: application`` needs the platform to collect fees too. The platform is
    responsible for requirement collection (``requirements_collector: application``) exactly
    when it is liable for losses and the account has no Stripe dashboard."""
    given = (body.get("defaults") or {}).get("responsibilities") or {}
    fees = given.get("fees_collector", "stripe")
    losses = given.get("losses_collector", "stripe")
    if losses == "application" and not fees.startswith("application"):
        raise invalid_parameter(
            "defaults.responsibilities.losses_collector",
            "defaults.responsibilities.losses_collector can only be `application` when "
            "defaults.responsibilities.fees_collector is `application`.",
        )
    dashboard = body.get("dashboard", "full")
    collector = "application" if dashboard == "none" and losses == "application" else "stripe"
    return {
        "fees_collector": fees,
        "losses_collector": losses,
        "requirements_collector": collector,
    }


def _check_update_allowed(record: dict[str, Any], body: dict[str, Any]) -> None:
    """Responsibilities are fixed at creation; an account whose platform collects requirements
    keeps ``dashboard: none``."""
    if record.get("closed"):
        raise ApiError(400, "account_closed", f"The account {record['id']} is closed.")
    current = (record.get("defaults") or {}).get("responsibilities") or {}
    given = (body.get("defaults") or {}).get("responsibilities") or {}
    for key, value in given.items():
        if current.get(key) != value:
            raise invalid_parameter(
                f"defaults.responsibilities.{key}",
                f"defaults.responsibilities.{key} cannot be changed after the account is created.",
            )
    dashboard = body.get("dashboard")
    if dashboard not in (None, "none") and current.get("requirements_collector") == "application":
        raise invalid_parameter(
            "dashboard",
            "dashboard must stay `none` on an account whose platform is responsible for "
            "requirement collection.",
        )


def _field_values(record: dict[str, Any]) -> dict[str, str]:
    return {s.description: req.fingerprint(record, s) for s in req.all_specs(record).values()}


def _parse_include(values: Any) -> list[str]:
    include = values if isinstance(values, list) else ([] if values is None else [values])
    check_includes(include, INCLUDABLE)
    return include


@router.post("/v2/core/accounts")
async def create_account(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await read_json(request)
    validate_body("account_create", body)
    include = _parse_include(body.pop("include", None))
    responsibilities = _responsibilities(body)
    async with emu.lock:
        record = _new_record(emu, body, responsibilities)
        emu.state.accounts[record["id"]] = record
        emu.record_event(
            "v2.core.account.created",
            account_id=record["id"],
            reason=reason(request),
            changes={"before": {}, "after": {"id": record["id"]}},
        )
        record["_emu"]["snapshot"] = emu.snapshot(record)
        rendered = emu.render_account(record, include)
        emu.persist()
    return JSONResponse(rendered)


def _new_record(
    emu: Emulator, body: dict[str, Any], responsibilities: dict[str, str]
) -> dict[str, Any]:
    """A new account from a validated create body, with what it already provides noted."""
    now = emu.now()
    record: dict[str, Any] = {
        "id": new_id("acct_test_", 16),
        "object": "v2.core.account",
        "applied_configurations": [],
        "closed": False,
        "contact_email": None,
        "contact_phone": None,
        "created": rfc3339(now),
        "dashboard": "full",
        "display_name": None,
        "livemode": False,
        "metadata": {},
        "_emu": {
            "created_ts": now,
            "person_id": new_id("person_test_", 20),
            "secrets": {},
            "representative": {},
            "fingerprints": {},
            "verifications": {},
            "errors": {},
            "due_at": {},
            "future": [],
            "promoted": {},
            "promoted_status": {},
            "capability_overrides": {},
            # Stripe's shape: a new account looks overdue until information is submitted.
            "submitted": emu.fresh_accounts != "past_due",
        },
    }
    body.pop("account_token", None)
    _merge(record, body)
    record.setdefault("identity", {})
    profile = COUNTRIES.get(req.country(record))
    record["defaults"] = {
        "currency": profile.currency if profile else "usd",
        "locales": [profile.locale if profile else "en-US"],
        **record.get("defaults", {}),
    }
    record["defaults"]["responsibilities"] = responsibilities
    _extract_id_numbers(record)
    _derive(record, emu)
    provided = {s.description for s in req.all_specs(record).values() if req.is_provided(record, s)}
    req.note_submitted(record, provided, now, emu.config)
    return record


@router.get("/v2/core/accounts")
async def list_accounts(request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_query(request.query_params.multi_items())
    check_known(params, ("applied_configurations", "closed", "limit", "page"))
    if "page" in params:
        cursor = decode_page(str(params["page"]))
        filters = cursor.get("filters", {})
        offset = int(cursor.get("offset", 0))
    else:
        configs = as_list(params, "applied_configurations")
        check_includes(configs, CONFIG_NAMES, "applied_configurations")
        filters = {
            "applied_configurations": configs,
            "closed": parse_bool(params, "closed") or False,
            "limit": parse_limit(params),
        }
        offset = 0
    async with emu.lock:
        records = [
            r
            for r in reversed(list(emu.state.accounts.values()))
            if bool(r.get("closed")) == filters["closed"]
            and all(c in r["applied_configurations"] for c in filters["applied_configurations"])
        ]
        limit = int(filters["limit"])
        page = records[offset : offset + limit]
        data = [emu.render_account(r, []) for r in page]
    next_url = (
        f"/v2/core/accounts?page={encode_page({'filters': filters, 'offset': offset + limit})}"
        if offset + limit < len(records)
        else None
    )
    prev_url = (
        f"/v2/core/accounts?page={encode_page({'filters': filters, 'offset': max(0, offset - limit)})}"  # noqa: E501
        if offset > 0
        else None
    )
    return JSONResponse({"data": data, "next_page_url": next_url, "previous_page_url": prev_url})


def _get_record(emu: Emulator, account_id: str) -> dict[str, Any]:
    record = emu.state.accounts.get(account_id)
    if record is None:
        raise not_found("account", account_id)
    return record


@router.get("/v2/core/accounts/{account_id}")
async def retrieve_account(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_query(request.query_params.multi_items())
    check_known(params, ("include",))
    include = _parse_include(as_list(params, "include"))
    async with emu.lock:
        record = _get_record(emu, account_id)
        if emu.refresh(record):
            emu.persist()
        rendered = emu.render_account(record, include)
    return JSONResponse(rendered)


@router.post("/v2/core/accounts/{account_id}")
async def update_account(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await read_json(request)
    validate_body("account_update", body)
    include = _parse_include(body.pop("include", None))
    async with emu.lock:
        record = _get_record(emu, account_id)
        _check_update_allowed(record, body)
        emu.refresh(record)  # settle anything time-driven before applying the update
        before = _field_values(record)
        _merge(record, body)
        _extract_id_numbers(record)
        _derive(record, emu)
        after = _field_values(record)
        touched = {d for d, fp in after.items() if before.get(d) != fp}
        req.note_submitted(record, touched, emu.now(), emu.config)
        emu.refresh(record, reason=reason(request))
        rendered = emu.render_account(record, include)
        emu.persist()
    return JSONResponse(rendered)


@router.post("/v2/core/accounts/{account_id}/close")
async def close_account(account_id: str, request: Request) -> JSONResponse:
    """Not in the contract extract, but in the SDK (``accounts.close_async``)."""
    emu = emulator(request)
    body = await read_json(request)
    validate_body("account_close", body)
    async with emu.lock:
        record = _get_record(emu, account_id)
        configurations = body.get("applied_configurations")
        if configurations is not None and set(configurations) != set(
            record["applied_configurations"]
        ):
            raise invalid_parameter(
                "applied_configurations",
                "All configurations on the Account must be passed in applied_configurations "
                "to close it.",
            )
        emu.close_account(record, reason(request))
        rendered = emu.render_account(record, [])
        emu.persist()
    return JSONResponse(rendered)
