"""Run the BFF as a real HTTP server: in a thread of this process (for SSE and for the emulator's
webhooks), or as a child process that a test can SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from gangway.core.config import Settings
from gangway.main import create_app
from tests.support.database import TestDatabase
from tests.support.net import reserve_socket
from tests.support.settings import SHORT_BATCH_WINDOW

REPO = Path(__file__).resolve().parents[2]


# --- in a thread


@dataclass(frozen=True)
class ThreadedBff:
    url: str
    app: FastAPI


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


# --- in a child process (killable)


@dataclass
class BffProcess:
    """``python -m uvicorn gangway.main:app`` in a child process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no goodbyes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def bff_env(db: TestDatabase, **settings: Any) -> dict[str, str]:
    """Environment for a BFF process on ``db``; ``settings`` are Settings fields."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GANGWAY_")}
    env.update(
        {
            "GANGWAY_DATABASE_URL": db.url,
            "GANGWAY_LOG_FORMAT": "console",
            "GANGWAY_LOG_LEVEL": "WARNING",
            "GANGWAY_ARGON2_MEMORY_KIB": "1024",
            "GANGWAY_ARGON2_TIME_COST": "1",
            "GANGWAY_ARGON2_PARALLELISM": "1",
            "GANGWAY_INBOX_BATCH_WINDOW_SECONDS": str(
                SHORT_BATCH_WINDOW["inbox_batch_window_seconds"]
            ),
        }
    )
    if db.schema:
        env["GANGWAY_DATABASE_SCHEMA"] = db.schema
    for key, value in settings.items():
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        env[f"GANGWAY_{key.upper()}"] = str(value)
    return env


def start_bff_process(env: dict[str, str], log: Path, *, port: int | None = None) -> BffProcess:
    if port is None:
        with reserve_socket() as sock:  # released for the child to bind
            port = int(sock.getsockname()[1])
    handle = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gangway.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO / "backend",
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    bff = BffProcess(url=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the BFF exited at start:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{bff.url}/healthz", timeout=1).status_code == 200:
                return bff
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            bff.kill()
            raise RuntimeError(f"the BFF did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
