"""Scenario controls under ``/_emulator/`` (no auth: a development tool). See docs/emulator.md."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator import requirements as req
from stripe_emulator.clock import rfc3339
from stripe_emulator.common import emulator
from stripe_emulator.runtime import Emulator

router = APIRouter(prefix="/_emulator")

#: Error codes the contract allows on requirement entries (a representative subset is accepted
#: by default; any code from the contract's enum is accepted).
DEFAULT_ERROR_CODE = "verification_failed_id_number_match"


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError(400, "body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def _account(emu: Emulator, account_id: str) -> dict[str, Any]:
    record = emu.state.accounts.get(account_id)
    if record is None:
        raise ControlError(404, f"no such account: {account_id}")
    return record


def _full_state(emu: Emulator, record: dict[str, Any]) -> dict[str, Any]:
    from stripe_emulator.runtime import INCLUDABLE

    rendered = emu.render_account(record, list(INCLUDABLE))
    emu_data = copy.deepcopy(record["_emu"])
    emu_data.pop("snapshot", None)
    return {"account": rendered, "internal": emu_data}


@router.get("/clock")
async def get_clock(request: Request) -> JSONResponse:
    emu = emulator(request)
    return JSONResponse({"now": rfc3339(emu.now()), "offset_seconds": emu.clock.offset})


@router.post("/clock/advance")
async def advance_clock(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await _json(request)
    seconds = body.get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise ControlError(400, "seconds must be a non-negative number")
    async with emu.lock:
        emu.clock.advance(float(seconds))
        emu.tick()
        emu.persist()
    return JSONResponse({"now": rfc3339(emu.now()), "offset_seconds": emu.clock.offset})


@router.get("/accounts/{account_id}")
async def account_state(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    async with emu.lock:
        record = _account(emu, account_id)
        emu.refresh(record)
        return JSONResponse(_full_state(emu, record))


@router.post("/accounts/{account_id}/future_requirements")
async def add_future_requirements(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await _json(request)
    async with emu.lock:
        record = _account(emu, account_id)
        catalogue = {s.description: s for s in req.future_catalogue(record)}
        descriptions = body.get("descriptions") or list(catalogue)
        if not isinstance(descriptions, list) or any(d not in catalogue for d in descriptions):
            raise ControlError(400, f"descriptions must be a subset of {sorted(catalogue)}")
        lead = body.get("transition_in_seconds", emu.config.future_requirements_lead)
        if not isinstance(lead, int | float) or lead < 0:
            raise ControlError(400, "transition_in_seconds must be a non-negative number")
        emu_data = record["_emu"]
        for desc in descriptions:
            emu_data["future"] = [f for f in emu_data["future"] if f["description"] != desc]
            emu_data["promoted"].pop(desc, None)
            emu_data["future"].append(
                {"description": desc, "transition_at": emu.now() + float(lead)}
            )
        emu.refresh(record)
        emu.persist()
        return JSONResponse(_full_state(emu, record))


@router.post("/accounts/{account_id}/verification_error")
async def verification_error(account_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await _json(request)
    async with emu.lock:
        record = _account(emu, account_id)
        specs = req.all_specs(record)
        default = (
            "identity.individual.id_numbers"
            if req.entity_type(record) == "individual"
            else "representative.id_numbers"
        )
        desc = body.get("requirement", default)
        if desc not in specs:
            raise ControlError(400, f"requirement must be one of {sorted(specs)}")
        code = body.get("code", DEFAULT_ERROR_CODE)
        if not isinstance(code, str) or code not in _ERROR_CODES:
            raise ControlError(400, "code must be a requirement error code from the contract")
        description = body.get("description", "The ID number provided doesn't match our records.")
        req.add_error(record, desc, code, str(description), emu.now(), emu.config)
        emu.refresh(record)
        emu.persist()
        return JSONResponse(_full_state(emu, record))


@router.get("/faults")
async def list_faults(request: Request) -> JSONResponse:
    return JSONResponse({"faults": emulator(request).state.faults})


@router.post("/faults")
async def add_fault(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await _json(request)
    count = body.get("count", 1)
    status = body.get("status")
    latency = body.get("latency_ms", 0)
    drop = bool(body.get("drop", False))
    paths = body.get("paths")
    if not isinstance(count, int) or count < 1:
        raise ControlError(400, "count must be a positive integer")
    if status is not None and status not in (429, 500, 503):
        raise ControlError(400, "status must be 429, 500 or 503")
    if not isinstance(latency, int | float) or latency < 0:
        raise ControlError(400, "latency_ms must be a non-negative number")
    if paths is not None and (
        not isinstance(paths, list) or not all(isinstance(p, str) for p in paths)
    ):
        raise ControlError(400, "paths must be a list of path prefixes")
    if status is None and not drop and not latency:
        raise ControlError(400, "give at least one of status, latency_ms, drop")
    fault = {
        "remaining": count,
        "status": status,
        "latency_ms": latency,
        "drop": drop,
        "paths": paths,
    }
    async with emu.lock:
        emu.state.faults.append(fault)
        emu.persist()
    return JSONResponse({"faults": emu.state.faults})


@router.delete("/faults")
async def clear_faults(request: Request) -> JSONResponse:
    emu = emulator(request)
    async with emu.lock:
        emu.state.faults.clear()
        emu.persist()
    return JSONResponse({"faults": []})


@router.get("/chaos")
async def get_chaos(request: Request) -> JSONResponse:
    return JSONResponse(emulator(request).state.chaos)


@router.post("/chaos")
async def set_chaos(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await _json(request)
    for key in body:
        if key not in ("duplicate", "reorder") or not isinstance(body[key], bool):
            raise ControlError(400, "body is {duplicate?: bool, reorder?: bool}")
    async with emu.lock:
        emu.state.chaos.update(body)
        emu.persist()
    return JSONResponse(emu.state.chaos)


@router.get("/deliveries")
async def list_deliveries(request: Request) -> JSONResponse:
    emu = emulator(request)
    event_id = request.query_params.get("event_id")
    destination_id = request.query_params.get("destination_id")
    data = [
        {k: v for k, v in d.items() if k != "next_attempt_at"}
        for d in emu.state.deliveries
        if (event_id is None or d["event_id"] == event_id)
        and (destination_id is None or d["destination_id"] == destination_id)
    ]
    return JSONResponse({"data": data})


@router.post("/reset")
async def reset(request: Request) -> JSONResponse:
    emu = emulator(request)
    async with emu.lock:
        emu.reset()
    return JSONResponse({"reset": True})


@router.get("/links/{account_id}")
async def latest_link(account_id: str, request: Request) -> JSONResponse:
    """The links minted for an account (for demos; includes their state)."""
    emu = emulator(request)
    links = [
        {k: v for k, v in link.items() if not k.startswith("_") and k != "session"}
        for link in emu.state.links.values()
        if link["account"] == account_id
    ]
    return JSONResponse({"data": links})


_ERROR_CODES = frozenset(
    {
        "invalid_address_city_state_postal_code",
        "invalid_dob_age_under_18",
        "invalid_street_address",
        "invalid_tax_id",
        "invalid_tax_id_format",
        "invalid_tos_acceptance",
        "invalid_url_format",
        "invalid_value_other",
        "verification_document_id_number_mismatch",
        "verification_document_name_mismatch",
        "verification_failed_address_match",
        "verification_failed_id_number_match",
        "verification_failed_keyed_identity",
        "verification_failed_name_match",
        "verification_failed_other",
        "verification_failed_tax_id_match",
        "verification_failed_tax_id_not_issued",
    }
)
