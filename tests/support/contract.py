"""Validate bodies against Stripe's v2 contract extract (``../shared/stripe/...``).

``validate_response(path_template, method, status, body)`` and
``validate_request(path_template, method, body)`` raise ``AssertionError`` with the JSON path
and the reason when a body does not conform. The extract is OpenAPI 3.0; it is converted to
JSON Schema 2020-12 once (``nullable`` -> a ``null`` type, and the error unions' ``oneOf`` ->
``anyOf``, because every specific ``v2.error.<code>`` also matches the generic ``v2.error``).

The shared directory sits beside the repository clone; ``GANGWAY_SHARED_DIR`` overrides it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CONTRACT_FILE = "stripe-v2-core-openapi-extract.json"
_URI = "urn:stripe-v2-contract"


def shared_dir() -> Path:
    override = os.environ.get("GANGWAY_SHARED_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared"


def contract_path() -> Path:
    return shared_dir() / "stripe" / CONTRACT_FILE


@cache
def load_contract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(contract_path().read_text(encoding="utf-8"))
    return data


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in ("example", "examples")}
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(_convert(load_contract()), default_specification=DRAFT202012)
    return Registry().with_resource(_URI, resource)


_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    datetime.fromisoformat(value)
    return True


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _check(pointer: str, instance: Any, what: str) -> None:
    validator = Draft202012Validator(
        {"$ref": _URI + pointer}, registry=_registry(), format_checker=_FORMATS
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for error in errors[:10]:
            where = "$" + "".join(
                f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
            )
            lines.append(f"  {where}: {error.message[:300]}")
        raise AssertionError(f"{what} does not match the contract:\n" + "\n".join(lines))


def validate_schema(name: str, instance: Any) -> None:
    """Validate against ``#/components/schemas/<name>``."""
    if name not in load_contract()["components"]["schemas"]:
        raise AssertionError(f"no schema {name!r} in the contract")
    _check(_pointer("components", "schemas", name), instance, f"schema {name}")


def _operation(path_template: str, method: str) -> dict[str, Any]:
    paths = load_contract()["paths"]
    if path_template not in paths:
        raise AssertionError(f"{path_template} is not in the contract")
    operation = paths[path_template].get(method.lower())
    if operation is None:
        raise AssertionError(f"{method.upper()} {path_template} is not in the contract")
    result: dict[str, Any] = operation
    return result


def is_covered(path_template: str, method: str) -> bool:
    paths = load_contract()["paths"]
    return path_template in paths and method.lower() in paths[path_template]


def match_path(path: str) -> str | None:
    """``/v2/core/accounts/acct_1`` -> ``/v2/core/accounts/{id}`` (None if not in the contract)."""
    for template in load_contract()["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def validate_response(path_template: str, method: str, status: int, body: Any) -> None:
    operation = _operation(path_template, method)
    responses = operation["responses"]
    key = str(status) if str(status) in responses else "default"
    if key not in responses:
        raise AssertionError(f"{method.upper()} {path_template} does not document status {status}")
    if key == "default" and 200 <= status < 300:
        raise AssertionError(f"{method.upper()} {path_template}: undocumented success {status}")
    pointer = _pointer(
        "paths",
        path_template,
        method.lower(),
        "responses",
        key,
        "content",
        "application/json",
        "schema",
    )
    _check(pointer, body, f"{method.upper()} {path_template} {status} response")
    if path_template.startswith("/v2/core/events") and 200 <= status < 300:
        events = body["data"] if path_template == "/v2/core/events" else [body]
        for event in events:
            validate_event(event)


def validate_event(event: dict[str, Any]) -> None:
    """Validate an event against its type's schema (``x-stripeEvent.type``) when there is one."""
    for name, schema in load_contract()["components"]["schemas"].items():
        if schema.get("x-stripeEvent", {}).get("type") == event.get("type"):
            validate_schema(name, event)
            return
    validate_schema("v2.core.event", event)


def validate_request(path_template: str, method: str, body: Any) -> None:
    operation = _operation(path_template, method)
    if "requestBody" not in operation:
        if body not in (None, {}, b""):
            raise AssertionError(f"{method.upper()} {path_template} takes no body")
        return
    pointer = _pointer(
        "paths",
        path_template,
        method.lower(),
        "requestBody",
        "content",
        "application/json",
        "schema",
    )
    _check(pointer, body, f"{method.upper()} {path_template} request")


def validate_thin_notification(body: Any) -> None:
    validate_schema("x-extract.ThinEventNotification", body)
