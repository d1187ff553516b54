"""Run the BFF the way the image does (``python -m gangway.ops.serve``) and read its JSON logs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.bff_server import REPO, BffProcess
from tests.support.net import reserve_socket


def spawn_served(env: dict[str, str], log: Path, *, port: int | None = None) -> BffProcess:
    """Start ``python -m gangway.ops.serve`` on ``port`` (a free one by default); don't wait."""
    if port is None:
        with reserve_socket() as sock:  # released for the child to bind
            port = int(sock.getsockname()[1])
    handle = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gangway.ops.serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO / "backend",
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    return BffProcess(url=f"http://127.0.0.1:{port}", process=process, log=log)


def wait_ready(bff: BffProcess, *, timeout: float = 60.0) -> float:
    """Poll ``/readyz`` until it answers 200; the seconds it took."""
    started = time.monotonic()
    while True:
        if bff.process.poll() is not None:
            raise RuntimeError(f"the BFF exited at start:\n{bff.log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{bff.url}/readyz", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        if time.monotonic() - started > timeout:
            bff.kill()
            raise RuntimeError(f"the BFF did not get ready:\n{bff.log.read_text()[-4000:]}")
        time.sleep(0.05)


def start_served(env: dict[str, str], log: Path, *, port: int | None = None) -> BffProcess:
    bff = spawn_served(env, log, port=port)
    wait_ready(bff)
    return bff


def log_lines(log: Path) -> list[dict[str, Any]]:
    """The JSON lines of a log file (anything else, e.g. a traceback's lines, is skipped)."""
    lines = []
    for raw in log.read_text().splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
    return lines


def events(log: Path, name: str) -> list[dict[str, Any]]:
    return [line for line in log_lines(log) if line.get("event") == name]
