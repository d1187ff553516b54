"""The ASGI gate in front of the API (``/v1`` and ``/v2``): fault injection, API-key auth,
``Stripe-Version``, idempotency-key replay, and the ``Request-Id`` / ``Stripe-Version``
response headers.

A request passes the steps in order; a step that answers the request itself raises
:class:`_Answer`, which the gate sends back (an error in the v1 or v2 shape, by the path). The
same ``Request-Id`` and ``Stripe-Version`` headers go on every API response, whoever produced it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stripe_emulator.errors import ApiError, internal_error
from stripe_emulator.runtime import Emulator
from stripe_emulator.store import new_id

log = logging.getLogger("stripe_emulator.gate")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")
#: The paths the gate guards: Stripe's API, v1 (Account Sessions, login links) and v2.
API_PREFIXES = ("/v1/", "/v2/")
Headers = list[tuple[bytes, bytes]]


class DroppedConnection(Exception):
    """Raised after a partial response so the server closes the connection mid-flight."""


class _Answer(Exception):
    """A gate step answers the request itself (an error, or a replayed response)."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any] | None,
        headers: Headers | None = None,
        error: ApiError | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or []
        self.api_error = error

    @classmethod
    def error(cls, error: ApiError, headers: Headers | None = None) -> _Answer:
        return cls(error.status, None, headers, error)

    def payload(self, path: str) -> dict[str, Any]:
        if self.api_error is not None:
            return self.api_error.body_for(path)
        return self.body or {}


@dataclass
class _Exchange:
    """One API request: its buffered body, headers and the response headers we add."""

    scope: Scope
    receive: Receive
    send: Send
    body: bytes
    headers: dict[str, str]
    request_id: str
    version: str

    @classmethod
    async def open(
        cls, scope: Scope, receive: Receive, send: Send, default_version: str
    ) -> _Exchange:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        version = headers.get("stripe-version") or default_version
        return cls(scope, receive, send, body, headers, new_id("req_", 14), version)

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    @property
    def method(self) -> str:
        return str(self.scope["method"]).upper()

    @property
    def extra_headers(self) -> Headers:
        return [
            (b"request-id", self.request_id.encode()),
            (b"stripe-version", self.version.encode()),
        ]

    async def respond(self, status: int, payload: dict[str, Any], more: Headers) -> None:
        data = json.dumps(payload).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
            *self.extra_headers,
            *more,
        ]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": data})


@dataclass
class _Idempotency:
    """An idempotent POST in progress: where its response will be stored."""

    store_key: str
    fingerprint: str


@dataclass
class _Captured:
    status: int = 0
    body: bytes = b""
    started: bool = False


class ApiGate:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emu = emulator
        self.in_flight: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        exchange = await _Exchange.open(scope, receive, send, self.emu.config.default_api_version)
        try:
            await self._apply_fault(exchange)
            api_key = _authenticate(exchange.headers)
            _check_version(exchange.version)
            idempotency = self._idempotency(exchange, api_key)
        except _Answer as answer:
            await exchange.respond(answer.status, answer.payload(exchange.path), answer.headers)
            return
        await self._forward(exchange, api_key, idempotency)

    # ------------------------------------------------------------------ 1. injected faults

    async def _apply_fault(self, exchange: _Exchange) -> None:
        """Injected faults apply before anything else, like a flaky network would."""
        fault = self._take_fault(exchange.path)
        if fault is None:
            return
        if fault.get("latency_ms"):
            await asyncio.sleep(float(fault["latency_ms"]) / 1000)
        if fault.get("drop"):
            await _drop_connection(exchange.send)
        if fault.get("status"):
            error = _fault_error(int(fault["status"]))
            raise _Answer.error(error, [(b"stripe-should-retry", b"true")])

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

    # ------------------------------------------------------------------ 4. idempotency

    def _idempotency(self, exchange: _Exchange, api_key: str) -> _Idempotency | None:
        """POST only; keys are scoped per API key. Replays or refuses reused keys."""
        idem_key = exchange.headers.get("idempotency-key")
        if exchange.method != "POST" or not idem_key:
            return None
        if len(idem_key) > 255:
            raise _Answer.error(
                ApiError(
                    400, "parameter_invalid", "Idempotency-Key must be at most 255 characters long."
                )
            )
        store_key = f"{api_key}\x00{idem_key}"
        fingerprint = hashlib.sha256(
            exchange.method.encode() + b" " + exchange.path.encode() + b"\n" + exchange.body
        ).hexdigest()
        stored = self.emu.state.idempotency.get(store_key)
        if stored is not None:
            raise _replay_or_conflict(stored, fingerprint, idem_key)
        if store_key in self.in_flight:
            raise _Answer.error(_key_in_use())
        return _Idempotency(store_key, fingerprint)

    def _remember(self, idempotency: _Idempotency | None, captured: _Captured) -> None:
        """Store a 2xx response for replay (errors are not stored: a retry runs again)."""
        if idempotency is None or not 200 <= captured.status < 300:
            return
        self.emu.state.idempotency[idempotency.store_key] = {
            "fingerprint": idempotency.fingerprint,
            "status": captured.status,
            "body": json.loads(captured.body or b"{}"),
        }
        self.emu.persist()

    # ------------------------------------------------------------------ 5. the API itself

    async def _forward(
        self, exchange: _Exchange, api_key: str, idempotency: _Idempotency | None
    ) -> None:
        exchange.scope["stripe_emulator"] = {
            "api_version": exchange.version,
            "request_id": exchange.request_id,
            "idempotency_key": exchange.headers.get("idempotency-key"),
            "api_key": api_key,
        }
        captured = _Captured()
        if idempotency is not None:
            self.in_flight.add(idempotency.store_key)
        try:
            await self.app(exchange.scope, _replaying(exchange), _capturing(exchange, captured))
        except DroppedConnection:
            raise
        except Exception:
            if captured.started:
                raise
            # An unexpected failure still answers with an error body, as Stripe does.
            log.exception("unhandled error in %s %s", exchange.method, exchange.path)
            error = internal_error()
            await exchange.respond(error.status, error.body_for(exchange.path), [])
            return
        finally:
            if idempotency is not None:
                self.in_flight.discard(idempotency.store_key)
        self._remember(idempotency, captured)


# ---------------------------------------------------------------------- steps without state


def _authenticate(headers: dict[str, str]) -> str:
    """2. Any test-mode secret or restricted key; returns the key."""
    auth = headers.get("authorization", "")
    api_key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    if not api_key:
        error = ApiError(
            401,
            "api_key_missing",
            "You did not provide an API key. Provide it in the Authorization "
            "header as 'Bearer sk_test_...'.",
        )
        raise _Answer.error(error, [(b"www-authenticate", b'Bearer realm="Stripe"')])
    if api_key.startswith(("sk_live_", "rk_live_")):
        raise _Answer.error(
            ApiError(
                401,
                "livemode_mismatch",
                "This emulator accepts only test-mode keys (sk_test_... or "
                "rk_test_...); a live-mode key was provided.",
            )
        )
    if not api_key.startswith(("sk_test_", "rk_test_")) or len(api_key) < 9:
        masked = api_key[:8] + "*" * max(0, len(api_key) - 12) + api_key[-4:]
        raise _Answer.error(ApiError(401, "api_key_invalid", f"Invalid API Key provided: {masked}"))
    return api_key


def _check_version(version: str) -> None:
    """3. ``Stripe-Version`` must look like ``2026-10-28.endive``."""
    if not _VERSION.match(version):
        raise _Answer.error(
            ApiError(400, "invalid_api_version", f"Invalid Stripe API version: {version}")
        )


def _replay_or_conflict(stored: dict[str, Any], fingerprint: str, idem_key: str) -> _Answer:
    if stored["fingerprint"] == fingerprint:
        return _Answer(stored["status"], stored["body"], [(b"idempotent-replayed", b"true")])
    return _Answer.error(
        ApiError(
            400,
            "idempotency_key_reused",
            "Keys for idempotent requests can only be used with the same parameters "
            f"they were first used with. Try using a key other than '{idem_key}' if "
            "you meant to execute a different request.",
            type_="idempotency_error",
        )
    )


def _key_in_use() -> ApiError:
    return ApiError(
        409,
        "idempotency_key_in_use",
        "There is currently another in-progress request using this Idempotency-Key. "
        "Retry after it completes.",
        type_="idempotency_error",
    )


def _replaying(exchange: _Exchange) -> Receive:
    """A receive channel that hands the buffered body to the app once, then passes through."""
    replayed = False

    async def receive() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": exchange.body, "more_body": False}
        return await exchange.receive()

    return receive


def _capturing(exchange: _Exchange, captured: _Captured) -> Send:
    """A send channel that adds our headers and keeps a copy of the response."""

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured.started = True
            captured.status = int(message["status"])
            message = dict(message)
            message["headers"] = [*message.get("headers", []), *exchange.extra_headers]
        elif message["type"] == "http.response.body":
            captured.body += message.get("body", b"")
        await exchange.send(message)

    return send


async def _drop_connection(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})
    raise DroppedConnection("fault injection: connection dropped")


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
