"""v1 request bodies: ``application/x-www-form-urlencoded`` with Stripe's bracket notation.

The SDK encodes ``{"components": {"account_onboarding": {"enabled": True}}, "expand": ["a"]}``
as ``components[account_onboarding][enabled]=true&expand[0]=a``; :func:`parse_form` turns that
back into nested dicts and lists (``expand[]=a`` works too). Values stay strings: v1 checks
types per parameter (:func:`parse_bool`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from stripe_emulator.errors import ApiError, invalid_parameter, unknown_parameter

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def parse_form(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            400, "parameter_invalid", "Invalid request body: it must be UTF-8 form data."
        ) from None
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        match = _KEY.match(key)
        if match is None:
            raise ApiError(400, "parameter_invalid", f"Invalid parameter name: {key}", param=key)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))]
        _put(root, path, value)
    return {k: _listify(v) for k, v in root.items()}


def _put(node: dict[str, Any], path: list[str], value: str) -> None:
    for index, part in enumerate(path[:-1]):
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        if path[index + 1] == "":  # ``key[]``: the next free index
            path[index + 1] = str(len(child))
        node = child
    node[path[-1]] = value


def _listify(node: Any) -> Any:
    """Dicts whose keys are all indexes (``expand[0]``, ``expand[]``) become lists."""
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def check_known(params: dict[str, Any], known: Iterable[str], prefix: str = "") -> None:
    """``parameter_unknown`` for the first key not in ``known`` (``prefix[key]`` when nested)."""
    allowed = set(known)
    for key in params:
        if key not in allowed:
            raise unknown_parameter(f"{prefix}[{key}]" if prefix else key)


def parse_bool(value: Any, param: str) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise invalid_parameter(param, f"Invalid boolean: {value}")


def parse_hash(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_parameter(param, f"Invalid hash: {param} must be a hash")
    return value


def parse_expand(params: dict[str, Any]) -> None:
    """``expand`` is accepted (a list of strings) and has nothing to expand here."""
    expand = params.get("expand")
    if expand is None:
        return
    if not isinstance(expand, list) or not all(isinstance(x, str) for x in expand):
        raise invalid_parameter("expand", "Invalid array: expand must be an array of strings")
