"""The change feed: tell every listener when a merchant's status changed.

On SQLite (one process) the feed delivers in-process. On PostgreSQL every announcement is a
``NOTIFY`` and each process keeps one dedicated ``LISTEN`` connection, so a webhook processed by
one instance reaches streams held by another. After that connection drops and comes back, every
local stream is told to re-read (a "resync"), since notifications may have been missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gangway.core.db import Database

logger = logging.getLogger("gangway.changes")

CHANNEL = "gangway_status"
RESYNC = -1  # a pseudo-version meaning "re-read, you may have missed something"
DRAIN = -2  # a pseudo-version meaning "this process is shutting down: end the stream"
# Names the LISTEN connection in pg_stat_activity, for operators (and the reconnect test).
LISTENER_APPLICATION_NAME = "gangway-status-listener"


class ChangeFeed:
    """Subscriptions by merchant id; each subscriber gets a queue of status versions."""

    def __init__(self, db: Database, *, reconnect_delay: float = 1.0) -> None:
        self._db = db
        self._subscribers: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)
        self._use_postgres = db.engine.dialect.name == "postgresql"
        self._reconnect_delay = reconnect_delay
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        self.draining = False

    async def start(self) -> None:
        if self._use_postgres:
            self._listener = asyncio.create_task(self._listen_forever(), name="status-listener")

    def drain(self) -> None:
        """The process is going away: tell every listener to finish now (SIGTERM).

        Streams end with a last event instead of waiting to be cut, so browsers reconnect to
        another instance at once and the server's graceful shutdown is not held up by them.
        """
        self.draining = True
        for merchant_id in list(self._subscribers):
            self._deliver(merchant_id, DRAIN)

    async def stop(self) -> None:
        if self._listener:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    @contextlib.asynccontextmanager
    async def subscribe(self, merchant_id: str) -> AsyncIterator[asyncio.Queue[int]]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=100)
        if self.draining:
            queue.put_nowait(DRAIN)
        self._subscribers[merchant_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[merchant_id].discard(queue)
            if not self._subscribers[merchant_id]:
                del self._subscribers[merchant_id]

    async def publish(self, merchant_id: str, version: int) -> None:
        """Announce a committed status change to every listener, in every process."""
        logger.info("changes.published", extra={"merchant_id": merchant_id, "version": version})
        if not self._use_postgres:
            self._deliver(merchant_id, version)
            return
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    sa.text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": f"{merchant_id}:{version}"},
                )
        except Exception:
            # The change is committed; streams will still see it on their next re-read.
            logger.warning("changes.notify_failed", exc_info=True)
            self._deliver(merchant_id, version)

    def _deliver(self, merchant_id: str, version: int) -> None:
        for queue in list(self._subscribers.get(merchant_id, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(version)

    def _resync_all(self) -> None:
        for merchant_id in list(self._subscribers):
            self._deliver(merchant_id, RESYNC)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        merchant_id, _, version = payload.rpartition(":")
        with contextlib.suppress(ValueError):
            self._deliver(merchant_id, int(version))

    async def _listen_forever(self) -> None:
        url = make_url(self._db.engine.url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        first = True
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(
                    dsn, server_settings={"application_name": LISTENER_APPLICATION_NAME}
                )
                await conn.add_listener(CHANNEL, self._on_notify)
                logger.info("changes.listening", extra={"reconnected": not first})
                if not first:
                    self._resync_all()
                first = False
                self.listening.set()
                closed = asyncio.Event()
                conn.add_termination_listener(lambda _c, done=closed: done.set())
                await closed.wait()
                logger.warning("changes.listener_dropped")
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("changes.listener_error", exc_info=True)
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close()
            await asyncio.sleep(self._reconnect_delay)
