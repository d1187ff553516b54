"""The ASGI gate in front of ``/v2``: fault injection, API-key auth, ``Stripe-Version``,
idempotency-key replay, and the ``Request-Id`` / ``Stripe-Version`` response headers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stripe_emulator.errors import ApiError
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id

_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


class DroppedConnection(Exception):
    """Raised after a partial response so the server closes the connection mid-flight."""


class ApiGate:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emu = emulator
        self.in_flight: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith("/v2/"):
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = new_id("req_", 14)
        version = headers.get("stripe-version") or self.emu.config.default_api_version
        extra = [(b"request-id", request_id.encode()), (b"stripe-version", version.encode())]

        async def respond(
            status: int,
            payload: dict[str, Any],
            more_headers: list[tuple[bytes, bytes]] | None = None,
        ) -> None:
            data = json.dumps(payload).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(data)).encode()),
                        *extra,
                        *(more_headers or []),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": data})

        # 1. Injected faults (they apply before anything else, like a flaky network would).
        fault = self._take_fault(str(scope["path"]))
        if fault is not None:
            if fault.get("latency_ms"):
                await asyncio.sleep(float(fault["latency_ms"]) / 1000)
            if fault.get("drop"):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"4096"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b'{"', "more_body": True})
                raise DroppedConnection("fault injection: connection dropped")
            if fault.get("status"):
                error = _fault_error(int(fault["status"]))
                await respond(error.status, error.body(), [(b"stripe-should-retry", b"true")])
                return

        # 2. Authentication: any test-mode secret or restricted key.
        auth = headers.get("authorization", "")
        api_key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not api_key:
            error = ApiError(
                401,
                "api_key_missing",
                "You did not provide an API key. Provide it in the Authorization "
                "header as 'Bearer sk_test_...'.",
                type_="invalid_request_error",
            )
            await respond(401, error.body(), [(b"www-authenticate", b'Bearer realm="Stripe"')])
            return
        if api_key.startswith(("sk_live_", "rk_live_")):
            error = ApiError(
                401,
                "livemode_mismatch",
                "This emulator accepts only test-mode keys (sk_test_... or "
                "rk_test_...); a live-mode key was provided.",
            )
            await respond(401, error.body())
            return
        if not api_key.startswith(("sk_test_", "rk_test_")) or len(api_key) < 9:
            masked = api_key[:8] + "*" * max(0, len(api_key) - 12) + api_key[-4:]
            error = ApiError(401, "api_key_invalid", f"Invalid API Key provided: {masked}")
            await respond(401, error.body())
            return

        # 3. API version.
        if not _VERSION.match(version):
            error = ApiError(400, "invalid_api_version", f"Invalid Stripe API version: {version}")
            await respond(400, error.body())
            return

        # 4. Idempotency (POST only; keys are scoped per API key).
        idem_key = headers.get("idempotency-key")
        method = str(scope["method"]).upper()
        store_key = fingerprint = None
        if method == "POST" and idem_key:
            if len(idem_key) > 255:
                error = ApiError(
                    400, "parameter_invalid", "Idempotency-Key must be at most 255 characters long."
                )
                await respond(400, error.body())
                return
            store_key = f"{api_key}\x00{idem_key}"
            fingerprint = hashlib.sha256(
                method.encode() + b" " + str(scope["path"]).encode() + b"\n" + body
            ).hexdigest()
            stored = self.emu.state.idempotency.get(store_key)
            if stored is not None:
                if stored["fingerprint"] != fingerprint:
                    error = ApiError(
                        400,
                        "idempotency_key_reused",
                        "Keys for idempotent requests can only be used with the same parameters "
                        f"they were first used with. Try using a key other than '{idem_key}' if "
                        "you meant to execute a different request.",
                        type_="idempotency_error",
                    )
                    await respond(400, error.body())
                    return
                await respond(stored["status"], stored["body"], [(b"idempotent-replayed", b"true")])
                return
            if store_key in self.in_flight:
                error = ApiError(
                    409,
                    "idempotency_key_in_use",
                    "There is currently another in-progress request using this Idempotency-Key. "
                    "Retry after it completes.",
                    type_="idempotency_error",
                )
                await respond(409, error.body())
                return

        scope["stripe_emulator"] = {
            "api_version": version,
            "request_id": request_id,
            "idempotency_key": idem_key,
            "api_key": api_key,
        }
        replayed = False

        async def replay_receive() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        captured: dict[str, Any] = {"status": 0, "body": b""}

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *extra]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        if store_key is not None:
            self.in_flight.add(store_key)
        try:
            await self.app(scope, replay_receive, capture_send)
        finally:
            if store_key is not None:
                self.in_flight.discard(store_key)
        status = int(captured["status"])
        if store_key is not None and 200 <= status < 300:
            self.emu.state.idempotency[store_key] = {
                "fingerprint": fingerprint,
                "status": status,
                "body": json.loads(captured["body"] or b"{}"),
            }
            self.emu.persist()

    def _take_fault(self, path: str) -> dict[str, Any] | None:
        for fault in self.emu.state.faults:
            prefixes = fault.get("paths")
            if prefixes and not any(path.startswith(p) for p in prefixes):
                continue
            fault["remaining"] -= 1
            if fault["remaining"] <= 0:
                self.emu.state.faults.remove(fault)
            return dict(fault)
        return None


def _fault_error(status: int) -> ApiError:
    if status == 429:
        return ApiError(
            429,
            "account_rate_limit_exceeded",
            "Account cannot exceed a configured concurrency rate limit on updates.",
            type_="rate_limit",
        )
    if status == 503:
        return ApiError(
            503,
            "service_unavailable",
            "Stripe is temporarily unavailable (emulated fault). Please retry.",
            type_="api_error",
        )
    return ApiError(
        500,
        "internal_error",
        "An unexpected error occurred (emulated fault). Please retry.",
        type_="api_error",
    )
