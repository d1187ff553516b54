"""Request validation the way Stripe reports it: unknown parameters, missing and invalid values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from stripe_emulator.errors import ApiError, invalid_parameter, missing_parameter, unknown_parameter
from stripe_emulator.request_schemas import SCHEMAS

_EVENT_DESTINATION_CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["enabled_events", "event_payload", "name", "type"],
    "properties": {
        "description": {"type": "string"},
        "enabled_events": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "event_payload": {"type": "string", "enum": ["snapshot", "thin"]},
        "events_from": {"type": "array", "items": {"type": "string"}},
        "include": {
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["webhook_endpoint.signing_secret", "webhook_endpoint.url"],
            },
        },
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "name": {"type": "string"},
        "snapshot_api_version": {"type": "string"},
        "type": {
            "type": "string",
            "enum": ["amazon_eventbridge", "azure_event_grid", "webhook_endpoint"],
        },
        "webhook_endpoint": {
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string"}},
        },
        "amazon_eventbridge": {"type": "object"},
        "azure_event_grid": {"type": "object"},
    },
}

#: ``POST /v2/core/accounts/{id}/close`` (in the SDK, not in the contract extract).
_ACCOUNT_CLOSE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "applied_configurations": {
            "type": "array",
            "items": {"type": "string", "enum": ["customer", "merchant", "recipient"]},
        }
    },
}
_LOCAL_SCHEMAS = {
    "event_destination_create": _EVENT_DESTINATION_CREATE,
    "account_close": _ACCOUNT_CLOSE,
}

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def _type_ok(value: Any, expected: str) -> bool:
    if expected in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(expected, (object,)))


def _errors(schema: dict[str, Any], value: Any, path: list[str]) -> list[ApiError]:
    """Check ``value`` against the JSON-Schema subset the contract's request bodies use
    (type, properties, required, enum, items, additionalProperties, minItems). Objects that
    declare ``properties`` reject anything else, as Stripe rejects unknown parameters."""
    param = _param(path) or "body"
    expected = schema.get("type")
    if isinstance(expected, str) and not _type_ok(value, expected):
        return [invalid_parameter(param, f"Invalid {param}: expected {expected}")]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        return [invalid_parameter(param, f"Invalid {param}: must be one of {allowed}")]
    if isinstance(value, dict):
        return _object_errors(schema, value, path)
    if isinstance(value, list):
        return _array_errors(schema, value, path)
    return []


def _object_errors(
    schema: dict[str, Any], value: dict[str, Any], path: list[str]
) -> list[ApiError]:
    found: list[ApiError] = []
    props: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    closed = "properties" in schema and extra is None
    found += [unknown_parameter(_param([*path, k])) for k in value if k not in props and closed]
    found += [
        missing_parameter(_param([*path, k])) for k in schema.get("required", []) if k not in value
    ]
    for key, item in value.items():
        sub = props.get(key, extra if isinstance(extra, dict) else None)
        if sub is not None:
            found.extend(_errors(sub, item, [*path, key]))
    return found


def _array_errors(schema: dict[str, Any], value: list[Any], path: list[str]) -> list[ApiError]:
    found: list[ApiError] = []
    if len(value) < schema.get("minItems", 0):
        param = _param(path) or "body"
        found.append(invalid_parameter(param, f"Invalid {param}: must not be empty"))
    items = schema.get("items")
    if isinstance(items, dict):
        for index, item in enumerate(value):
            found.extend(_errors(items, item, [*path, str(index)]))
    return found


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = _LOCAL_SCHEMAS.get(name) or SCHEMAS[name]
    return schema


def _param(path: Iterable[Any]) -> str:
    parts = [str(p) for p in path]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out


def validate_body(name: str, body: Any) -> None:
    """Raise the ApiError Stripe would give for the most relevant problem in ``body``."""
    if not isinstance(body, dict):
        raise ApiError(400, "parameter_invalid", "The request body must be a JSON object.")
    errors = _errors(_schema(name), body, [])
    if errors:
        # Unknown parameters first, then missing ones, then invalid values (like Stripe).
        rank = {"parameter_unknown": 0, "parameter_missing": 1}
        errors.sort(key=lambda e: rank.get(e.code, 2))
        raise errors[0]


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_query(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Decode ``include[0]=a&include[1]=b&created[gt]=...`` (and ``include[]``/repeats)."""
    out: dict[str, Any] = {}
    for raw_key, value in items:
        match = _KEY.match(raw_key)
        if not match:
            raise unknown_parameter(raw_key)
        name = match.group(1)
        subs = re.findall(r"\[([^\[\]]*)\]", match.group(2))
        if not subs:
            if name in out:
                existing = out[name]
                out[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                out[name] = value
        elif len(subs) == 1 and (subs[0] == "" or subs[0].isdigit()):
            current = out.get(name)
            if not isinstance(current, list):
                current = [] if current is None else [current]
            current.append(value)
            out[name] = current
        elif len(subs) == 1:
            current = out.setdefault(name, {})
            if not isinstance(current, dict):
                raise invalid_parameter(name, f"Invalid {name}: expected an object")
            current[subs[0]] = value
        else:
            raise invalid_parameter(raw_key, f"Invalid parameter: {raw_key}")
    return out


def as_list(params: dict[str, Any], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_known(params: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed_set = set(allowed)
    for key in params:
        if key not in allowed_set:
            raise unknown_parameter(key)


def parse_limit(params: dict[str, Any], default: int = 20, maximum: int = 100) -> int:
    raw = params.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise invalid_parameter("limit", "Invalid limit: must be an integer") from None
    if not 1 <= limit <= maximum:
        raise invalid_parameter("limit", f"Invalid limit: must be between 1 and {maximum}")
    return limit


def parse_bool(params: dict[str, Any], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw in ("true", "false"):
        return bool(raw == "true")
    raise invalid_parameter(name, f"Invalid {name}: must be a boolean")


def check_includes(values: list[str], allowed: Iterable[str], param: str = "include") -> None:
    allowed_list = list(allowed)
    for value in values:
        if value not in allowed_list:
            raise invalid_parameter(
                param, f"Invalid {param}: must be one of {', '.join(allowed_list)}"
            )


def check_url(param: str, value: str, *, livemode: bool = False) -> None:
    """An absolute ``http(s)`` URL (``https`` only in live mode); anything else (``javascript:``,
    ``ftp:``, relative, whitespace inside) is refused with ``parameter_invalid``."""
    schemes = ("https",) if livemode else ("http", "https")
    try:
        parts = urlsplit(value)
        valid = (
            parts.scheme.lower() in schemes
            and bool(parts.hostname)
            and not any(c.isspace() or ord(c) < 32 for c in value)
        )
    except ValueError:
        valid = False
    if not valid:
        kind = "an absolute https URL" if livemode else "an absolute http or https URL"
        raise invalid_parameter(param, f"Invalid {param}: must be {kind}.")
