"""Run the Stripe emulator for a test: uvicorn on 127.0.0.1 and a free port, in a thread.

    with running_emulator(verification_delay=0) as emu:
        httpx.get(f"{emu.base_url}/v2/core/events", headers=emu.auth_headers)

Works from sync and async tests alike (the server has its own thread and event loop).
``running_emulator(check_contract=True)`` (the default) wraps the app so that every ``/v2``
request and response crossing the wire is validated against the contract extract; violations
are collected on ``handle.contract_violations`` and raised when the context exits.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stripe_emulator.app import create_app
from stripe_emulator.config import EmulatorConfig
from tests.support import contract
from tests.support.net import reserve_socket

TEST_API_KEY = "sk_test_emulator_123456789"


@dataclass
class EmulatorHandle:
    base_url: str
    config: EmulatorConfig
    app: FastAPI
    contract_violations: list[str] = field(default_factory=list)
    #: (method, path, status) of every /v2 exchange the contract checker saw
    checked: list[tuple[str, str, int]] = field(default_factory=list)
    api_key: str = TEST_API_KEY

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


class ContractChecker:
    """ASGI middleware validating /v2 request and response bodies against the extract."""

    def __init__(self, app: ASGIApp, handle: EmulatorHandle) -> None:
        self.app = app
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith("/v2/"):
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])
        template = contract.match_path(str(scope["path"]))
        covered = template is not None and contract.is_covered(template, method)
        request_body = b""
        messages: list[Message] = []

        async def wrapped_receive() -> Message:
            nonlocal request_body
            message = await receive()
            request_body += message.get("body", b"")
            return message

        async def buffered_send(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, wrapped_receive, buffered_send)
        except Exception:
            for message in messages:  # a dropped connection: pass on what was sent, then fail
                await send(message)
            raise
        # Validate before the client sees the response, so a test can never outrun the check.
        if covered and template is not None:
            status = next(int(m["status"]) for m in messages if m["type"] == "http.response.start")
            body = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            self._check(scope, template, method, request_body, status, body)
        for message in messages:
            await send(message)

    def _check(
        self,
        scope: Scope,
        template: str,
        method: str,
        request_body: bytes,
        status: int,
        response_body: bytes,
    ) -> None:
        self.handle.checked.append((method, str(scope["path"]), status))
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        try:
            if method == "POST" and status < 400 and not headers.get("x-skip-request-contract"):
                contract.validate_request(template, method, json.loads(request_body or b"{}"))
            contract.validate_response(template, method, status, json.loads(response_body))
        except (AssertionError, ValueError) as exc:
            self.handle.contract_violations.append(f"{method} {scope['path']}: {exc}")


@contextmanager
def running_emulator(*, check_contract: bool = True, **overrides: Any) -> Iterator[EmulatorHandle]:
    """Start the emulator (config fields as keyword overrides) and yield its handle."""
    sock = reserve_socket()
    port = sock.getsockname()[1]
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "verification_delay": 0.2,
        "delivery_backoff": 0.05,
        "delivery_timeout": 2.0,
        "tick_interval": 0.05,
        **overrides,
    }
    config = EmulatorConfig(**settings)
    app = create_app(config)
    handle = EmulatorHandle(base_url=config.base_url, config=config, app=app)
    asgi: ASGIApp = ContractChecker(app, handle) if check_contract else app
    server = uvicorn.Server(
        uvicorn.Config(asgi, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    )

    def serve() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=serve, name=f"stripe-emulator-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Stripe emulator did not start")
        time.sleep(0.01)
    try:
        yield handle
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    if handle.contract_violations:
        raise AssertionError("contract violations:\n" + "\n".join(handle.contract_violations))


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """A local HTTP endpoint recording what the emulator delivers to it."""

    url: str
    received: list[Delivery] = field(default_factory=list)
    #: statuses to answer with, one per request, then 200s (e.g. [500, 500] to force retries)
    statuses: list[int] = field(default_factory=list)
    #: seconds to stall before answering, one per request (to force timeouts)
    delays: list[float] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")
            time.sleep(0.02)
        return list(self.received)

    def event_ids(self) -> list[str]:
        return [d.json()["id"] for d in self.received]


@contextmanager
def running_receiver(path: str = "/webhooks/stripe") -> Iterator[WebhookReceiver]:
    sock = reserve_socket()
    receiver = WebhookReceiver(url=f"http://127.0.0.1:{sock.getsockname()[1]}{path}")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
        delay = receiver.delays.pop(0) if receiver.delays else 0.0
        if delay:
            await asyncio.sleep(delay)
        status = receiver.statuses.pop(0) if receiver.statuses else 200
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if 200 <= status < 300:
            receiver.received.append(Delivery(headers=headers, body=body))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield receiver
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
