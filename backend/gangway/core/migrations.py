"""Running Alembic from code: the upgrade, safe when many processes start at once, and the
readiness check.

Every upgrade (``GANGWAY_AUTO_MIGRATE`` at start-up, ``alembic upgrade head``, ``make migrate``)
runs under one lock per database, taken in ``migrations/env.py``: a session-level advisory lock
on PostgreSQL, an exclusive ``flock`` on a file next to the database on SQLite. The first process
migrates; the others wait for the lock, then find the schema at head and do nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Literal

import anyio.to_thread
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gangway.core.config import Settings
from gangway.core.db import Database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
LOCK_NAME = "gangway.migrations"

logger = logging.getLogger("gangway.migrations")

SchemaState = Literal["current", "behind", "ahead"]


def alembic_config(settings: Settings | None = None) -> Config:
    """An Alembic config for ``settings``' database that leaves the app's logging alone."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["settings"] = settings
    config.attributes["configure_logger"] = False
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> set[str]:
    return set(_script().get_heads())


def known_revisions() -> set[str]:
    """Every revision this code ships."""
    return {script.revision for script in _script().walk_revisions()}


async def upgrade_to_head(settings: Settings) -> None:
    """``alembic upgrade head``; run in a thread because the env starts its own event loop."""
    await anyio.to_thread.run_sync(command.upgrade, alembic_config(settings), "head")


async def current_revisions(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        try:
            rows = await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        except sa.exc.DBAPIError:
            return set()
        return {row[0] for row in rows}


def schema_state(current: set[str], heads: set[str]) -> SchemaState:
    """Where the database's schema stands against this code's migrations.

    ``ahead`` means a revision this code does not know: a newer release has migrated (the
    rolling deploy case). Migrations are written to keep the previous release working, so that
    is still ready; ``behind`` (or no schema at all) is not.
    """
    if current == heads:
        return "current"
    if current and not current <= known_revisions():
        return "ahead"
    return "behind"


# --- the migration lock


def advisory_lock_key(schema: str | None) -> int:
    """The PostgreSQL advisory lock id for migrating ``schema`` (a signed 64-bit integer)."""
    digest = hashlib.blake2b(f"{LOCK_NAME}:{schema or ''}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def sqlite_lock_path(engine: AsyncEngine) -> Path | None:
    """The lock file next to a SQLite database file (None for an in-memory database)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(f"{path.name}.migrate.lock")


@asynccontextmanager
async def migration_connection(
    engine: AsyncEngine, schema: str | None = None
) -> AsyncIterator[AsyncConnection]:
    """A connection to migrate on, held under this database's migration lock.

    The lock is released when the block ends, and by the server (PostgreSQL) or the kernel
    (SQLite) if this process dies holding it.
    """
    if engine.dialect.name == "sqlite":
        lock_path = sqlite_lock_path(engine)
        if lock_path is None:
            async with engine.connect() as conn:
                yield conn
            return
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as handle:
            await _flock(handle.fileno(), str(lock_path))
            try:
                async with engine.connect() as conn:
                    # Migrations are writes: `BEGIN IMMEDIATE`, so a running app's writers make
                    # them wait (busy timeout) instead of failing a read-then-write transaction.
                    await conn.execution_options(gangway_write=True)
                    async with _logged_run(conn):
                        yield conn
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return
    async with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            yield conn
            return
        key = advisory_lock_key(schema)
        await _advisory_lock(conn, key)
        try:
            async with _logged_run(conn):
                yield conn
        finally:
            # Closing the connection releases the lock too (the env uses no pool); this is
            # for callers that keep theirs.
            with contextlib.suppress(sa.exc.SQLAlchemyError, OSError):
                await conn.rollback()
                await conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await conn.commit()


async def _flock(fd: int, where: str) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    logger.info("db.migrations.lock_waiting", extra={"lock": where})
    started = time.monotonic()
    await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
    logger.info(
        "db.migrations.lock_acquired",
        extra={"waited_seconds": round(time.monotonic() - started, 3)},
    )


async def _advisory_lock(conn: AsyncConnection, key: int) -> None:
    got = await conn.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
    if not got:
        logger.info("db.migrations.lock_waiting", extra={"lock": f"advisory {key}"})
        started = time.monotonic()
        await conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
        logger.info(
            "db.migrations.lock_acquired",
            extra={"waited_seconds": round(time.monotonic() - started, 3)},
        )
    # A session-level lock outlives the transaction; end it so Alembic runs its own.
    await conn.commit()


async def _revisions(conn: AsyncConnection) -> set[str]:
    def read(sync_conn: sa.Connection) -> set[str]:
        return set(MigrationContext.configure(sync_conn).get_current_heads())

    revisions = await conn.run_sync(read)
    await conn.rollback()  # leave no transaction open: Alembic begins its own
    return revisions


@asynccontextmanager
async def _logged_run(conn: AsyncConnection) -> AsyncIterator[None]:
    """One line per run under the lock: what this process applied, or that it found nothing
    to do (the other processes of a simultaneous start)."""
    before = await _revisions(conn)
    yield
    after = await _revisions(conn)
    if before == after:
        logger.info("db.migrations.up_to_date", extra={"revision": ",".join(sorted(after))})
    else:
        logger.info(
            "db.migrations.applied",
            extra={
                "from_revision": ",".join(sorted(before)) or None,
                "to_revision": ",".join(sorted(after)) or None,
            },
        )
