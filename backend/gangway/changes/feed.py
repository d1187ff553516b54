"""The change feed: tell every listener when a merchant's status changed.

On SQLite (one process) the feed delivers in-process. On PostgreSQL every announcement is a
``NOTIFY`` and each process keeps one dedicated ``LISTEN`` connection, so a webhook processed by
one instance reaches streams held by another. After that connection drops and comes back, every
local stream is told to re-read (a "resync"), since notifications may have been missed.

The same announcements keep this process's caches coherent: every status change and every
revoked session reaches the cache hooks at once in the announcing process (before the
``NOTIFY`` goes out) and through ``LISTEN`` in the others. While the ``LISTEN`` connection is
down, :attr:`ChangeFeed.cacheable` is false and caches are bypassed; when it comes back they
are emptied, like a resync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gangway.core.db import Database

logger = logging.getLogger("gangway.changes")

CHANNEL = "gangway_status"
RESYNC = -1  # a pseudo-version meaning "re-read, you may have missed something"
DRAIN = -2  # a pseudo-version meaning "this process is shutting down: end the stream"
REVOKED = -3  # a pseudo-version meaning "the stream's session was revoked: check it"
# NOTIFY payloads: "<merchant id>:<version>" for a status change, "!session:<id>" for a
# revoked session (a merchant id never starts with "!").
_SESSION_PREFIX = "!session:"
# Names the LISTEN connection in pg_stat_activity, for operators (and the reconnect test).
LISTENER_APPLICATION_NAME = "gangway-status-listener"


class ChangeFeed:
    """Subscriptions by merchant id; each subscriber gets a queue of status versions."""

    def __init__(self, db: Database, *, reconnect_delay: float = 1.0) -> None:
        self._db = db
        self._subscribers: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)
        self._session_watchers: dict[int, set[asyncio.Queue[int]]] = defaultdict(set)
        # Cache hooks: called with a merchant id / session id, or None for "forget everything".
        self._status_hooks: list[Callable[[str | None], None]] = []
        self._session_hooks: list[Callable[[int | None], None]] = []
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

    @property
    def cacheable(self) -> bool:
        """Whether caches may serve: announcements reach this process (always on SQLite)."""
        return not self._use_postgres or self.listening.is_set()

    def on_status_change(self, hook: Callable[[str | None], None]) -> None:
        """Call ``hook(merchant_id)`` on every status change; ``hook(None)``: forget all."""
        self._status_hooks.append(hook)

    def on_session_revoked(self, hook: Callable[[int | None], None]) -> None:
        """Call ``hook(session_id)`` when a session ends early; ``hook(None)``: forget all."""
        self._session_hooks.append(hook)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, merchant_id: str, *, session_id: int | None = None
    ) -> AsyncIterator[asyncio.Queue[int]]:
        """Status versions of ``merchant_id``; with ``session_id``, also ``REVOKED`` when that
        session is revoked."""
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=100)
        if self.draining:
            queue.put_nowait(DRAIN)
        self._subscribers[merchant_id].add(queue)
        if session_id is not None:
            self._session_watchers[session_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[merchant_id].discard(queue)
            if not self._subscribers[merchant_id]:
                del self._subscribers[merchant_id]
            if session_id is not None:
                self._session_watchers[session_id].discard(queue)
                if not self._session_watchers[session_id]:
                    del self._session_watchers[session_id]

    async def publish(self, merchant_id: str, version: int) -> None:
        """Announce a committed status change to every listener, in every process."""
        logger.info("changes.published", extra={"merchant_id": merchant_id, "version": version})
        if self._use_postgres and await self._notify(f"{merchant_id}:{version}"):
            # Then this process's caches forget at once (its own NOTIFY comes back later): once
            # this process shows the change, every other process has been sent it.
            self._call_hooks(self._status_hooks, merchant_id)
            return
        # SQLite, or the NOTIFY failed: the change is committed; local streams re-read now.
        self._call_hooks(self._status_hooks, merchant_id)
        self._deliver(merchant_id, version)

    async def revoke_session(self, session_id: int) -> None:
        """Announce that a session ended (sign-out, rotation, expiry), in every process."""
        notified = self._use_postgres and await self._notify(f"{_SESSION_PREFIX}{session_id}")
        self._call_hooks(self._session_hooks, session_id)
        if not notified:
            self._deliver_revocation(session_id)

    async def _notify(self, payload: str) -> bool:
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    sa.text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": payload},
                )
        except Exception:
            logger.warning("changes.notify_failed", exc_info=True)
            return False
        return True

    @staticmethod
    def _call_hooks(hooks: list[Callable[[Any], None]], key: object) -> None:
        for hook in hooks:
            try:
                hook(key)
            except Exception:
                logger.exception("changes.cache_hook_failed")

    def _deliver(self, merchant_id: str, version: int) -> None:
        for queue in list(self._subscribers.get(merchant_id, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(version)

    def _deliver_revocation(self, session_id: int) -> None:
        for queue in list(self._session_watchers.get(session_id, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(REVOKED)

    def _resync_all(self) -> None:
        self._call_hooks(self._status_hooks, None)
        self._call_hooks(self._session_hooks, None)
        for merchant_id in list(self._subscribers):
            self._deliver(merchant_id, RESYNC)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(_SESSION_PREFIX):
            with contextlib.suppress(ValueError):
                session_id = int(payload.removeprefix(_SESSION_PREFIX))
                self._call_hooks(self._session_hooks, session_id)
                self._deliver_revocation(session_id)
            return
        merchant_id, _, version = payload.rpartition(":")
        with contextlib.suppress(ValueError):
            number = int(version)
            self._call_hooks(self._status_hooks, merchant_id)
            self._deliver(merchant_id, number)

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
                # Announcements may have been missed since the last connection (or, at first,
                # since caches were filled without one): caches forget, streams re-read.
                self._resync_all()
                if not first:
                    logger.info("changes.resynced")
                first = False
                self.listening.set()
                closed = asyncio.Event()
                conn.add_termination_listener(lambda _c, done=closed: done.set())
                await closed.wait()
                logger.warning("changes.listener_dropped")
            except asyncio.CancelledError:
                raise
            except Exception:
                if _being_cancelled():
                    raise
                logger.warning("changes.listener_error", exc_info=True)
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close()
            await asyncio.sleep(self._reconnect_delay)


def _being_cancelled() -> bool:
    """A cancellation can surface from a driver as another error; it must still end the task."""
    current = asyncio.current_task()
    return current is not None and current.cancelling() > 0
