"""Helpers shared by the API routers."""

from __future__ import annotations

import base64
import json
from typing import Any, cast

from fastapi import Request

from stripe_emulator.errors import ApiError
from stripe_emulator.runtime import Emulator


def emulator(request: Request) -> Emulator:
    return cast(Emulator, request.app.state.emulator)


def request_info(request: Request) -> dict[str, Any]:
    """What the API gate learned about this request (version, request id, idempotency key)."""
    info = request.scope.get("stripe_emulator")
    return info if isinstance(info, dict) else {}


def api_version(request: Request) -> str:
    version = request_info(request).get("api_version")
    return version if isinstance(version, str) else emulator(request).config.default_api_version


def reason(request: Request) -> dict[str, Any]:
    info = request_info(request)
    return {
        "type": "request",
        "request": {
            "id": info.get("request_id", ""),
            "idempotency_key": info.get("idempotency_key") or "",
        },
    }


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(
            400, "parameter_invalid", "Invalid JSON received: the request body is not JSON."
        ) from None


def encode_page(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return "page_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page(token: str) -> dict[str, Any]:
    try:
        if not token.startswith("page_"):
            raise ValueError(token)
        body = token[5:]
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if not isinstance(data, dict):
            raise ValueError(token)
        return data
    except ValueError:
        raise ApiError(
            400, "parameter_invalid", "Invalid page: unknown page token", param="page"
        ) from None


def version_date(version: str) -> str:
    """``2026-09-30.endive`` -> ``2026-09-30`` (versions compare by date)."""
    return version.split(".", 1)[0]
