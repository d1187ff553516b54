"""Run the BFF as a real HTTP server in a thread (for SSE and for the emulator's webhooks)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from gangway.core.config import Settings
from gangway.main import create_app


def reserve_socket() -> socket.socket:
    """A listening socket on a free port (its port is known before the server starts)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@dataclass(frozen=True)
class ThreadedBff:
    url: str
    app: Any


@contextmanager
def running_bff(settings: Settings, sock: socket.socket | None = None) -> Iterator[ThreadedBff]:
    """Serve ``create_app(settings)`` on ``sock`` (or a free port) from a thread of its own."""
    sock = sock or reserve_socket()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), name="bff", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the BFF did not start")
        time.sleep(0.01)
    try:
        yield ThreadedBff(url=f"http://127.0.0.1:{sock.getsockname()[1]}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
