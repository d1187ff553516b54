"""The async database: engine set-up for SQLite and PostgreSQL, and short transactions.

Services open their own transactions with ``db.read()`` or ``db.write()`` and keep them short:
no transaction is ever held open across a network call. On SQLite, ``write()`` begins with
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing on upgrade.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from collections.abc import Set as AbstractSet
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState
from sqlalchemy.util import greenlet_spawn

from gangway.core.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
# A commit that leaves the WAL longer than this (in pages: 40 MiB) checkpoints it itself. The
# app's checkpointer (``Database.checkpoint``, every second) keeps the WAL far shorter, so a
# commit never does the copying and the disk flushes: at SQLite's default of 1,000 pages, one
# commit in a few hundred took 5-110 ms doing it, while every writer queued behind it.
SQLITE_AUTOCHECKPOINT_PAGES = 10_000
# Set on writes whose service keeps its caches coherent itself (it announces exactly what
# changed); every other write to a watched table empties the caches that read that table.
ANNOUNCED = "gangway_announced"
_TOUCHED = "gangway_touched_tables"
_IDLE_SINCE = "gangway_idle_since"
# A pooled PostgreSQL connection idle longer than this is checked before use (see
# _ping_after_idle).
PING_AFTER_IDLE_SECONDS = 1.0
_DML_TABLE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(?:\w+\"?\.\"?)?(\w+)",
    re.IGNORECASE,
)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use gangway.core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys, and explicit BEGINs we control."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(sync_engine.pool, "reset")
    def _on_reset(dbapi_conn: Any, _record: Any, state: PoolResetState) -> None:
        # Roll back only what is open (the engine is built with pool_reset_on_return=None):
        # an unconditional rollback is one more trip to the driver's thread per transaction.
        if state.asyncio_safe and dbapi_conn.driver_connection.in_transaction:
            dbapi_conn.rollback()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("gangway_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _ping_after_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection on checkout only when it has sat idle for ``idle_seconds``.

    SQLAlchemy's ``pool_pre_ping`` checks every checkout, and asyncpg's ping is three round
    trips (BEGIN, a no-op, ROLLBACK): 0.7 ms on every transaction here. A connection used a
    moment ago is alive unless the server went away in that moment; then the failing
    statement invalidates the pool and the next checkout connects afresh (HikariCP's
    ``aliveBypassWindowMs`` makes the same trade).
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _rest(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: the pool discards it and connects again
            raise sa.exc.DisconnectionError("connection failed its check after idling") from exc


def create_engine(
    url: str,
    *,
    schema: str | None = None,
    ping_after_idle: float = PING_AFTER_IDLE_SECONDS,
    **kwargs: Any,
) -> AsyncEngine:
    """Create the async engine for ``url`` with the dialect's settings applied.

    ``schema`` (PostgreSQL only) puts Gangway's tables in that schema via ``search_path``.
    """
    is_sqlite = url.startswith("sqlite")
    connect_args = kwargs.setdefault("connect_args", {})
    if is_sqlite:
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        kwargs.setdefault("pool_reset_on_return", None)  # see _configure_sqlite's _on_reset
    elif schema:
        connect_args.setdefault("server_settings", {})["search_path"] = schema
    # Parameters stay out of error messages and tracebacks: they hold emails and password hashes.
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    else:
        _ping_after_idle(engine, ping_after_idle)
    return engine


# Statements run_alone keeps compiled (each plan holds its statement, so ids stay unique).
_MAX_PLANS = 64


@dataclass(frozen=True)
class _Plan:
    """A statement compiled once for the driver: its SQL and how to fill and read it."""

    statement: Any
    compiled: sa.Compiled
    sql: str
    names: tuple[str, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    results: tuple[Callable[[Any], Any] | None, ...]  # one per RETURNING column
    tables: frozenset[str]

    @classmethod
    def compile(cls, statement: Any, params: dict[str, Any], dialect: Dialect) -> _Plan:
        compiled = statement.compile(dialect=dialect, column_keys=list(params))
        names = tuple(compiled.positiontup or ())  # both drivers take positional parameters
        columns = list(statement.exported_columns)
        written = getattr(statement, "table", None)  # an INSERT, UPDATE or DELETE's table
        return cls(
            statement=statement,
            compiled=compiled,
            sql=compiled.string,
            names=names,
            binds=tuple(
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            ),
            results=tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            ),
            tables=frozenset({written.name} if written is not None else ()),
        )

    def arguments(self, params: dict[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(params) or {}
        return [
            bind(values[name]) if bind else values[name]
            for name, bind in zip(self.names, self.binds, strict=True)
        ]

    def row(self, raw: Any) -> tuple[Any, ...]:
        return tuple(
            read(value) if read else value
            for value, read in zip(tuple(raw)[: len(self.results)], self.results, strict=True)
        )


async def _fetch_asyncpg(connection: Any, sql: str, arguments: list[Any]) -> list[Any]:
    return list(await connection.fetch(sql, *arguments))


async def _fetch_aiosqlite(connection: Any, sql: str, arguments: list[Any]) -> list[Any]:
    # The driver is in autocommit mode (see _configure_sqlite): no BEGIN, the statement commits.
    # One trip to the driver's thread: each is a wait for a busy event loop to come round.
    return list(await connection.execute_fetchall(sql, arguments))


# The drivers Gangway runs on, and how run_alone hands each a statement.
_DRIVER_FETCH: dict[str, Callable[[Any, str, list[Any]], Awaitable[list[Any]]]] = {
    "asyncpg": _fetch_asyncpg,
    "aiosqlite": _fetch_aiosqlite,
}


@dataclass(frozen=True)
class WalCheckpoint:
    """What one SQLite checkpoint did: the WAL's frames, and how many are now in the file."""

    busy: bool  # another connection was checkpointing
    frames: int
    copied: int


class Database:
    """Owns the engine; hands out short read and write transactions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        write_engine = engine.execution_options(gangway_write=True)
        self._read_sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(write_engine, expire_on_commit=False)
        self._announced_sessions = async_sessionmaker(
            write_engine.execution_options(**{ANNOUNCED: True}), expire_on_commit=False
        )
        sqlite = engine.dialect.name == "sqlite"
        self._fetch = _DRIVER_FETCH[engine.dialect.driver]
        self._plans: dict[tuple[int, frozenset[str]], _Plan] = {}
        self._table_watchers: list[tuple[frozenset[str], Callable[[], None]]] = []
        self._observe_writes()
        # SQLite has one writer at a time. Queued here, the next writer of this process starts
        # as soon as the last one commits; queued in SQLite's busy handler, it sleeps in steps
        # of up to 100 ms (a webhook's p99 went from 31 ms to 85 ms beside the inbox worker).
        self._sqlite_writer = asyncio.Lock() if sqlite else None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(create_engine(settings.database_url, schema=settings.database_schema))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (rolled back at the end)."""
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self, *, announced: bool = False) -> AsyncIterator[AsyncSession]:
        """A unit of work that commits on success and rolls back on any error.

        ``announced=True``: the caller tells the caches itself what it changed (see
        :meth:`on_write`), so this write does not empty them.
        """
        sessions = self._announced_sessions if announced else self._write_sessions
        async with self._writer_turn(), sessions() as session, session.begin():
            yield session

    async def run_alone(
        self, statement: sa.Executable, params: dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run one write statement as its own transaction; the rows it returns, if any.

        For a statement that is atomic by itself (an upsert, an insert) and that nothing else
        has to commit with, built once (a module constant) and run often: a rate-limit hit,
        a link's audit row. It goes to the driver as compiled the first time, on a pooled
        connection outside any transaction, so the database commits it as it runs: one
        round trip where ``write()`` takes three (BEGIN, the statement, COMMIT), and none
        of SQLAlchemy's per-statement work (0.2-0.3 ms, the larger part of a mint's own time
        on PostgreSQL). Caches are told of it as of any write.
        """
        values = params or {}
        plan = self._plan(statement, values)
        async with self._writer_turn():
            self._forget(plan.tables)
            async with self._driver_connection() as connection:
                rows = await self._fetch(connection, plan.sql, plan.arguments(values))
            self._forget(plan.tables)
        return [plan.row(row) for row in rows] if plan.results else []

    async def checkpoint(self) -> WalCheckpoint | None:
        """SQLite: copy what the WAL holds into the database file; None on PostgreSQL.

        A ``PASSIVE`` checkpoint, on a pooled connection outside any transaction: it waits for
        no reader or writer, and writers go on appending to the WAL while it copies and
        flushes. Run every second by the app (``gangway.container``), so that no commit
        reaches ``SQLITE_AUTOCHECKPOINT_PAGES`` and does it instead.
        """
        if self.engine.dialect.name != "sqlite":
            return None
        async with self._driver_connection() as connection:
            [(busy, frames, copied)] = await self._fetch(
                connection, "PRAGMA wal_checkpoint(PASSIVE)", []
            )
        return WalCheckpoint(busy=bool(busy), frames=frames, copied=copied)

    @asynccontextmanager
    async def _driver_connection(self) -> AsyncIterator[Any]:
        """A pooled connection's driver connection (asyncpg's or aiosqlite's), bare."""
        raw = await self.engine.raw_connection()
        try:
            yield raw.driver_connection
        except BaseException:
            # Whatever state the driver was left in (a lost server, a cancelled query), the
            # connection does not go back to the pool.
            await greenlet_spawn(raw.invalidate)
            raise
        else:
            await greenlet_spawn(raw.close)  # back to the pool

    def _plan(self, statement: sa.Executable, params: dict[str, Any]) -> _Plan:
        key = (id(statement), frozenset(params))
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= _MAX_PLANS:  # statements built per call: don't pile up
                self._plans.clear()
            plan = self._plans[key] = _Plan.compile(statement, params, self.engine.dialect)
        return plan

    @asynccontextmanager
    async def _writer_turn(self) -> AsyncIterator[None]:
        """On SQLite, this process's turn to write; on PostgreSQL, nothing to wait for.

        A wait longer than the busy timeout goes ahead without its turn, so SQLite's own busy
        handling decides, as it would with no queue.
        """
        lock = self._sqlite_writer
        if lock is None:
            yield
            return
        try:
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await lock.acquire()
        except TimeoutError:
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def on_write(self, tables: set[str], forget: Callable[[], None]) -> None:
        """Call ``forget`` when a write to any of ``tables`` that was not ``announced`` commits.

        It is called twice: as the commit starts and once the connection is back in the pool
        (after the commit), so a cache filled from a read that raced the commit is emptied too.
        Writes through this process's engine only; other processes learn through the change
        feed.
        """
        self._table_watchers.append((frozenset(tables), forget))

    def _observe_writes(self) -> None:
        sync_engine = self.engine.sync_engine

        @event.listens_for(sync_engine, "after_cursor_execute")
        def _after_execute(
            conn: sa.Connection,
            _cursor: Any,
            statement: str,
            _params: Any,
            context: Any,
            _many: bool,
        ) -> None:
            if not self._table_watchers or conn.get_execution_options().get(ANNOUNCED):
                return
            if (match := _DML_TABLE.match(statement)) is not None:
                conn.info.setdefault(_TOUCHED, set()).add(match.group(1).lower())

        @event.listens_for(sync_engine, "commit")
        def _on_commit(conn: sa.Connection) -> None:
            self._forget(conn.info.get(_TOUCHED))

        @event.listens_for(sync_engine, "rollback")
        def _on_rollback(conn: sa.Connection) -> None:
            conn.info.pop(_TOUCHED, None)

        @event.listens_for(sync_engine.pool, "checkin")
        def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
            if record is not None and record.info:
                self._forget(record.info.pop(_TOUCHED, None))

    def _forget(self, touched: AbstractSet[str] | None) -> None:
        if not touched:
            return
        for tables, forget in self._table_watchers:
            if tables & touched:
                forget()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
