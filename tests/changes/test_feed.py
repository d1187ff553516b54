"""Status fan-out: in-process on SQLite; LISTEN/NOTIFY on PostgreSQL, surviving a lost listener."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from gangway.changes.feed import LISTENER_APPLICATION_NAME, RESYNC, ChangeFeed


async def _next(queue: asyncio.Queue[int]) -> int:
    async with asyncio.timeout(10):
        return await queue.get()


async def test_announcements_reach_only_that_merchants_subscribers(app: Any) -> None:
    feed: ChangeFeed = app.state.services.changes
    if app.state.services.db.engine.dialect.name == "postgresql":
        async with asyncio.timeout(10):
            await feed.listening.wait()
    async with feed.subscribe("merchant-a") as a, feed.subscribe("merchant-b") as b:
        await feed.publish("merchant-a", 7)
        assert await _next(a) == 7
        await asyncio.sleep(0.1)
        assert b.empty()


@pytest.mark.postgres_only
async def test_a_dropped_listener_reconnects_and_asks_streams_to_resync(app: Any) -> None:
    feed: ChangeFeed = app.state.services.changes
    async with asyncio.timeout(10):
        await feed.listening.wait()
    async with feed.subscribe("merchant-a") as queue:
        async with app.state.services.db.engine.connect() as conn:
            killed = (
                await conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": LISTENER_APPLICATION_NAME},
                )
            ).scalar_one()
        assert killed >= 1
        # Notifications sent while it was down are lost: every stream is told to re-read.
        assert await _next(queue) == RESYNC
        await feed.publish("merchant-a", 9)
        assert await _next(queue) == 9
