"""Run the BFF as a separate process (killable); the threaded runner is in tests/support."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import TestDatabase

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    port = port or free_port()
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
