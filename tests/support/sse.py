"""A minimal Server-Sent Events reader collecting ``status`` events in the background."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.polling import eventually


@dataclass
class StatusStream:
    events: list[dict[str, Any]] = field(default_factory=list)

    async def wait_for(
        self, ok: Callable[[dict[str, Any]], bool], *, timeout: float = 10.0, what: str = ""
    ) -> dict[str, Any]:
        async def probe() -> list[dict[str, Any]]:
            return list(self.events)

        seen = await eventually(
            probe, lambda evs: any(ok(e) for e in evs), timeout=timeout, what=what or "event"
        )
        return next(e for e in seen if ok(e))


@contextlib.asynccontextmanager
async def status_stream(client: httpx.AsyncClient) -> AsyncIterator[StatusStream]:
    """Open ``/api/onboarding/status/stream`` and collect its events until the block ends."""
    stream = StatusStream()
    opened = asyncio.Event()

    async def read() -> None:
        async with client.stream("GET", "/api/onboarding/status/stream") as response:
            assert response.status_code == 200
            opened.set()
            name, data = None, []
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    name = line.partition(":")[2].strip()
                elif line.startswith("data:"):
                    data.append(line.partition(":")[2].strip())
                elif line == "":
                    if name == "status" and data:
                        stream.events.append(json.loads("\n".join(data)))
                    name, data = None, []

    task = asyncio.create_task(read())
    try:
        await asyncio.wait_for(opened.wait(), timeout=10)
        await stream.wait_for(lambda _e: True, what="the first status event")
        yield stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await task
