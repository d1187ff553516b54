"""``/v2/core/events`` and ``/v2/core/event_destinations``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_emulator.clock import parse_rfc3339
from stripe_emulator.common import decode_page, emulator, encode_page, read_json
from stripe_emulator.errors import ApiError, invalid_parameter, missing_parameter, not_found
from stripe_emulator.events import public_event
from stripe_emulator.validation import (
    as_list,
    check_includes,
    check_known,
    check_url,
    parse_limit,
    parse_query,
    validate_body,
)

router = APIRouter()
_RANGE = ("gt", "gte", "lt", "lte")
_DEST_INCLUDES = ("webhook_endpoint.signing_secret", "webhook_endpoint.url")


def _event_filters(params: dict[str, Any]) -> dict[str, Any]:
    check_known(params, ("created", "limit", "object_id", "types", "page"))
    created = params.get("created") or {}
    if not isinstance(created, dict):
        raise invalid_parameter("created", "Invalid created: expected an object")
    for key, value in created.items():
        if key not in _RANGE:
            raise ApiError(
                400,
                "parameter_unknown",
                f"Received unknown parameter: created[{key}]",
                param=f"created[{key}]",
            )
        try:
            parse_rfc3339(str(value))
        except ValueError:
            raise invalid_parameter(
                f"created[{key}]", f"Invalid created[{key}]: must be an RFC 3339 timestamp"
            ) from None
    types = as_list(params, "types")
    if len(types) > 20:
        raise invalid_parameter("types", "Invalid types: at most 20 event types")
    object_id = params.get("object_id")
    return {
        "created": created,
        "types": types,
        "object_id": object_id if isinstance(object_id, str) else None,
        "limit": parse_limit(params),
    }


def _matches(event: dict[str, Any], filters: dict[str, Any]) -> bool:
    if filters["object_id"] and event.get("_object_id") != filters["object_id"]:
        return False
    if filters["types"] and event["type"] not in filters["types"]:
        return False
    ts = parse_rfc3339(event["created"])
    bounds = {k: parse_rfc3339(v) for k, v in filters["created"].items()}
    return not (
        ("gt" in bounds and not ts > bounds["gt"])
        or ("gte" in bounds and not ts >= bounds["gte"])
        or ("lt" in bounds and not ts < bounds["lt"])
        or ("lte" in bounds and not ts <= bounds["lte"])
    )


@router.get("/v2/core/events")
async def list_events(request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_query(request.query_params.multi_items())
    if "page" in params:
        check_known(params, ("page", "limit"))
        cursor = decode_page(str(params["page"]))
        filters, offset = cursor["filters"], int(cursor["offset"])
        if "limit" in params:
            filters["limit"] = parse_limit(params)
    else:
        filters, offset = _event_filters(params), 0
    async with emu.lock:
        events = [e for e in reversed(emu.state.events) if _matches(e, filters)]
    limit = int(filters["limit"])
    page = [public_event(e) for e in events[offset : offset + limit]]
    next_url = prev_url = None
    if offset + limit < len(events):
        next_url = (
            f"/v2/core/events?page={encode_page({'filters': filters, 'offset': offset + limit})}"
        )
    if offset > 0:
        back = {"filters": filters, "offset": max(0, offset - limit)}
        prev_url = f"/v2/core/events?page={encode_page(back)}"
    return JSONResponse({"data": page, "next_page_url": next_url, "previous_page_url": prev_url})


@router.get("/v2/core/events/{event_id}")
async def retrieve_event(event_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    check_known(parse_query(request.query_params.multi_items()), ())
    async with emu.lock:
        event = emu.event_by_id(event_id)
    if event is None:
        raise not_found("event", event_id)
    return JSONResponse(public_event(event))


@router.post("/v2/core/event_destinations")
async def create_event_destination(request: Request) -> JSONResponse:
    emu = emulator(request)
    body = await read_json(request)
    validate_body("event_destination_create", body)
    include = list(body.get("include") or [])
    if body["type"] != "webhook_endpoint":
        raise invalid_parameter("type", "The emulator only supports webhook_endpoint destinations.")
    if body["event_payload"] != "thin":
        raise invalid_parameter(
            "event_payload", "v2 events are thin: the emulator only delivers event_payload=thin."
        )
    if "snapshot_api_version" in body:
        raise invalid_parameter(
            "snapshot_api_version", "snapshot_api_version is only for snapshot destinations."
        )
    endpoint = body.get("webhook_endpoint")
    if not isinstance(endpoint, dict):
        raise missing_parameter("webhook_endpoint")
    url = str(endpoint["url"])
    check_url("webhook_endpoint.url", url)
    async with emu.lock:
        dest = emu.create_destination(
            name=body["name"],
            url=url,
            enabled_events=list(body["enabled_events"]),
            description=body.get("description", ""),
            metadata=body.get("metadata"),
            events_from=body.get("events_from"),
        )
        emu.persist()
        rendered = emu.render_destination(dest, include)
    return JSONResponse(rendered)


@router.get("/v2/core/event_destinations")
async def list_event_destinations(request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_query(request.query_params.multi_items())
    check_known(params, ("include", "limit"))
    include = as_list(params, "include")
    check_includes(include, _DEST_INCLUDES)
    limit = parse_limit(params)
    async with emu.lock:
        data = [
            emu.render_destination(d, include)
            for d in list(emu.state.destinations.values())[:limit]
        ]
    return JSONResponse({"data": data, "next_page_url": None, "previous_page_url": None})


@router.get("/v2/core/event_destinations/{destination_id}")
async def retrieve_event_destination(destination_id: str, request: Request) -> JSONResponse:
    emu = emulator(request)
    params = parse_query(request.query_params.multi_items())
    check_known(params, ("include",))
    include = as_list(params, "include")
    check_includes(include, _DEST_INCLUDES)
    async with emu.lock:
        dest = emu.state.destinations.get(destination_id)
        if dest is None:
            raise not_found("event destination", destination_id)
        rendered = emu.render_destination(dest, include)
    return JSONResponse(rendered)
