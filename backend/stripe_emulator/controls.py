"""Controls under ``/_emulator/`` (no auth: a development tool). See docs/emulator.md.

This module has the emulator-wide ones (clock, faults, chaos, deliveries, settings, reset,
catalogue) and the helpers; account scenarios are in :mod:`stripe_emulator.scenarios`.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator import catalogue as cat
from stripe_emulator.clock import rfc3339
from stripe_emulator.common import emulator
from stripe_emulator.config import FRESH_ACCOUNT_SHAPES
from stripe_emulator.runtime import INCLUDABLE, Emulator

router = APIRouter(prefix="/_emulator")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def json_body(request: Request) -> dict[str, Any]:
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


def account(emu: Emulator, account_id: str) -> dict[str, Any]:
    record = emu.state.accounts.get(account_id)
    if record is None:
        raise ControlError(404, f"no such account: {account_id}")
    return record


def full_state(emu: Emulator, record: dict[str, Any]) -> dict[str, Any]:
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
    body = await json_body(request)
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
        record = account(emu, account_id)
        emu.refresh(record)
        return JSONResponse(full_state(emu, record))


@router.get("/faults")
async def list_faults(request: Request) -> JSONResponse:
    return JSONResponse({"faults": emulator(request).state.faults})


@router.post("/faults")
async def add_fault(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await json_body(request)
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
    body = await json_body(request)
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


@router.get("/settings")
async def get_settings(request: Request) -> JSONResponse:
    return JSONResponse({"fresh_accounts": emulator(request).fresh_accounts})


@router.post("/settings")
async def change_settings(request: Request) -> JSONResponse:
    """``{fresh_accounts: "past_due" | "currently_due"}``: the shape of accounts created from now
    on (``POST /_emulator/reset`` restores the configured value)."""
    emu = emulator(request)
    body = await json_body(request)
    unknown = set(body) - {"fresh_accounts"}
    if unknown:
        raise ControlError(400, f"unknown settings: {', '.join(sorted(unknown))}")
    shape = body.get("fresh_accounts", emu.fresh_accounts)
    if shape not in FRESH_ACCOUNT_SHAPES:
        raise ControlError(400, f"fresh_accounts must be one of {', '.join(FRESH_ACCOUNT_SHAPES)}")
    emu.fresh_accounts = shape
    return JSONResponse({"fresh_accounts": emu.fresh_accounts})


@router.get("/catalogue")
async def requirement_catalogue(request: Request) -> JSONResponse:
    """``?country=us&entity_type=company``: every requirement an account can be asked for."""
    country = request.query_params.get("country", "us").lower()
    entity_type = request.query_params.get("entity_type", "company")
    if entity_type not in cat.ENTITY_TYPES:
        raise ControlError(400, f"entity_type must be one of {', '.join(cat.ENTITY_TYPES)}")
    specs = [*cat.catalogue(country, entity_type), *cat.future_catalogue(entity_type)]
    return JSONResponse(
        {
            "country": country,
            "entity_type": entity_type,
            "own_catalogue": country in cat.COUNTRIES,
            "requirements": [cat.describe(s) for s in cat.catalogue(country, entity_type)],
            "future_requirements": [cat.describe(s) for s in cat.future_catalogue(entity_type)],
            "descriptions": sorted({s.description for s in specs}),
        }
    )
