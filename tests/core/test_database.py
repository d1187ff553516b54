"""The database layer: SQLite pragmas, BEGIN IMMEDIATE, concurrent writers, PostgreSQL
connections checked after idling, and single statements run straight on the driver."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa

from gangway.core.config import Settings
from gangway.core.db import Database, create_engine, utcnow
from gangway.core.ratelimit import RateLimit, RateLimiter
from gangway.onboarding.repository import INSERT_LINK
from tests.support.api import STRONG_PASSWORD, csrf_token, make_client, signup
from tests.support.database import POSTGRES_URL


@pytest.mark.sqlite_only
async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(
    tmp_path: Path,
) -> None:
    db = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    async with db.read() as session:
        mode = (await session.execute(sa.text("PRAGMA journal_mode"))).scalar_one()
        fks = (await session.execute(sa.text("PRAGMA foreign_keys"))).scalar_one()
        busy = (await session.execute(sa.text("PRAGMA busy_timeout"))).scalar_one()
    await db.dispose()
    assert mode == "wal"
    assert fks == 1
    assert busy >= 5000


@pytest.mark.sqlite_only
async def test_sqlite_commits_leave_the_wal_to_the_checkpointer(tmp_path: Path) -> None:
    """No commit copies the WAL into the database file (at SQLite's default of 1,000 pages,
    one commit in a few hundred did, for 5-110 ms, with every writer queued behind it):
    ``Database.checkpoint`` does, and then the WAL starts again from its beginning."""
    db = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    try:
        async with db.write() as session:
            await session.execute(sa.text("CREATE TABLE t (x TEXT)"))
        for _ in range(250):  # about 1,500 pages of 4 KiB: past SQLite's default
            async with db.write() as session:
                await session.execute(sa.text("INSERT INTO t VALUES (:x)"), {"x": "x" * 20_000})
        done = await db.checkpoint()
        assert done is not None
        assert not done.busy
        assert done.frames > 1_200  # no commit on the way checkpointed (and restarted) it
        assert done.copied == done.frames
        async with db.write() as session:
            await session.execute(sa.text("INSERT INTO t VALUES ('y')"))
        again = await db.checkpoint()
        assert again is not None
        assert again.frames < 10  # restarted: the file holds the rest
        async with db.read() as session:
            rows = (await session.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
        assert rows == 251
    finally:
        await db.dispose()


async def test_the_app_checkpoints_sqlite_in_the_background(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
) -> None:
    """On SQLite the app runs ``Database.checkpoint`` every interval (counted in /metrics);
    PostgreSQL has no WAL of ours to checkpoint."""
    app = await app_factory(make_settings(sqlite_checkpoint_interval_seconds=0.02))
    services = app.state.services
    sample = "gangway_sqlite_wal_checkpoints_total"
    async with make_client(app) as client:
        await signup(client, "wal@example.com")  # a write for the checkpointer to copy
    if services.db.engine.dialect.name != "sqlite":
        assert await services.db.checkpoint() is None
        return
    for _ in range(250):
        if services.metrics.registry.get_sample_value(sample, {"outcome": "ok"}):
            break
        await asyncio.sleep(0.02)
    assert services.metrics.registry.get_sample_value(sample, {"outcome": "ok"}) >= 1
    assert services.metrics.registry.get_sample_value(sample, {"outcome": "failed"}) is None


@pytest.mark.sqlite_only
async def test_sqlite_writes_begin_immediate(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    statements: list[str] = []
    sa.event.listen(
        engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _cur, stmt, *_a: statements.append(stmt),
    )
    begins: list[str] = []
    original = sa.Connection.exec_driver_sql

    def spy(self: sa.Connection, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement.startswith("BEGIN"):
            begins.append(statement)
        return original(self, statement, *args, **kwargs)

    db = Database(engine)
    sa.Connection.exec_driver_sql = spy  # type: ignore[method-assign]
    try:
        async with db.write() as session:
            await session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        async with db.read() as session:
            await session.execute(sa.text("SELECT * FROM t"))
    finally:
        sa.Connection.exec_driver_sql = original  # type: ignore[method-assign]
        await db.dispose()
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


@pytest.mark.sqlite_only
async def test_sqlite_writers_of_one_process_queue_before_taking_a_connection(
    tmp_path: Path,
) -> None:
    """A second writer waits for its turn in the process, not in SQLite's busy handler (which
    sleeps in steps of up to 100 ms): it holds no connection until the first has committed."""
    db = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    pool = db.engine.sync_engine.pool
    opened, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with db.write() as session:
            await session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            opened.set()
            await release.wait()

    async def second() -> None:
        async with db.write() as session:
            await session.execute(sa.text("INSERT INTO t VALUES (2)"))

    try:
        writing = asyncio.create_task(first())
        await opened.wait()
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.1)
        assert not waiting.done()
        assert pool.checkedout() == 1  # type: ignore[attr-defined]
        release.set()
        await asyncio.gather(writing, waiting)
        async with db.read() as session:
            assert (await session.execute(sa.text("SELECT x FROM t"))).scalars().all() == [2]
    finally:
        await db.dispose()


async def test_a_failed_write_rolls_back(settings: Settings) -> None:
    db = Database.from_settings(settings)
    insert = sa.text(
        "INSERT INTO rate_limits (key, hits, window_started_at) VALUES ('k', 1, CURRENT_TIMESTAMP)"
    )

    async def write_then_fail() -> None:
        async with db.write() as session:
            await session.execute(insert)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    async with db.read() as session:
        count = (await session.execute(sa.text("SELECT count(*) FROM rate_limits"))).scalar_one()
    await db.dispose()
    assert count == 0


async def test_fifty_concurrent_signups_all_land(
    app_factory: Callable[[Settings], Any], make_settings: Callable[..., Settings]
) -> None:
    """On SQLite this is a file-backed database: no "database is locked", all fifty exist."""
    app = await app_factory(make_settings(signups_per_ip_per_hour=100))

    async def one(i: int) -> int:
        async with make_client(app) as client:
            token = await csrf_token(client)
            response = await client.post(
                "/api/auth/signup",
                json={
                    "email": f"concurrent{i}@example.com",
                    "password": STRONG_PASSWORD,
                    "business_name": f"Shop {i}",
                },
                headers={"X-CSRF-Token": token},
            )
            return response.status_code

    statuses = await asyncio.gather(*(one(i) for i in range(50)))
    assert statuses == [201] * 50
    async with app.state.services.db.read() as session:
        count = (await session.execute(sa.text("SELECT count(*) FROM merchants"))).scalar_one()
    assert count == 50


# --- PostgreSQL: a pooled connection is checked only after it has idled


async def _backend_pid(db: Database) -> int:
    async with db.read() as session:
        return int((await session.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


@pytest.mark.postgres_only
async def test_a_pooled_connection_that_died_while_idle_is_replaced_before_use() -> None:
    assert POSTGRES_URL is not None
    db = Database(create_engine(POSTGRES_URL, ping_after_idle=0.05))
    killer = Database(create_engine(POSTGRES_URL))
    try:
        first = await _backend_pid(db)
        async with killer.write() as session:  # what a server restart does to it
            await session.execute(sa.text(f"SELECT pg_terminate_backend({first})"))
        await asyncio.sleep(0.2)
        assert await _backend_pid(db) != first  # no error reached the caller
    finally:
        await db.dispose()
        await killer.dispose()


@pytest.mark.postgres_only
async def test_a_connection_used_a_moment_ago_is_not_pinged() -> None:
    assert POSTGRES_URL is not None
    db = Database(create_engine(POSTGRES_URL, ping_after_idle=0.3))
    dialect = db.engine.sync_engine.dialect
    pings: list[object] = []
    real_ping = dialect.do_ping

    def counting_ping(dbapi_conn: Any) -> bool:
        pings.append(dbapi_conn)
        return real_ping(dbapi_conn)

    dialect.do_ping = counting_ping  # type: ignore[method-assign]
    try:
        for _ in range(5):
            await _backend_pid(db)
        assert pings == []
        await asyncio.sleep(0.4)
        await _backend_pid(db)
        assert len(pings) == 1
    finally:
        await db.dispose()


# --- run_alone: one statement, straight to the driver, committed as it runs


async def test_a_statement_run_alone_is_committed_and_read_back_typed(settings: Settings) -> None:
    db = Database.from_settings(settings)
    other = Database.from_settings(settings)  # another engine: sees only what is committed
    told: list[str] = []
    db.on_write({"rate_limits"}, lambda: told.append("rate_limits"))
    db.on_write({"sessions"}, lambda: told.append("sessions"))
    limiter = RateLimiter(db)
    try:
        first = await limiter.hit("run-alone", 2, timedelta(minutes=1))
        second = await limiter.hit("run-alone", 2, timedelta(minutes=1))
        third = await limiter.hit("run-alone", 2, timedelta(minutes=1))
        assert [first.allowed, second.allowed, third.allowed] == [True, True, False]
        assert 1 <= third.retry_after <= 61  # from the window's start, read back as a datetime
        rows = await other.run_alone(
            sa.select(RateLimit.hits, RateLimit.window_started_at).where(  # type: ignore[call-overload]
                RateLimit.key == sa.bindparam("wanted")
            ),
            {"wanted": "run-alone"},
        )
        [(hits, started)] = rows
        assert hits == 3
        assert started.tzinfo is not None and started.utcoffset() == timedelta(0)
        assert told and set(told) == {"rate_limits"}  # the caches that read the table are told
        await limiter.release("run-alone")
        await limiter.reset("run-alone")
        assert (
            await other.run_alone(
                sa.select(RateLimit.hits).where(RateLimit.key == sa.bindparam("wanted")),  # type: ignore[call-overload]
                {"wanted": "run-alone"},
            )
            == []
        )
    finally:
        await db.dispose()
        await other.dispose()


async def test_a_failed_statement_run_alone_keeps_no_connection(settings: Settings) -> None:
    """A statement that fails (here a foreign key) raises, and the pool stays usable."""
    db = Database.from_settings(settings)
    audit = {
        "merchant_id": "no-such-merchant",
        "stripe_account_id": "acct_1",
        "use_case": "account_onboarding",
        "collect": "eventually_due",
        "future_requirements": "omit",
        "source": "api",
        "created_at": utcnow(),
        "expires_at": utcnow(),
    }
    try:
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            await db.run_alone(INSERT_LINK, audit)
        assert db.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert (await RateLimiter(db).hit("after", 5, timedelta(minutes=1))).count == 1
    finally:
        await db.dispose()


@pytest.mark.postgres_only
async def test_a_connection_that_died_under_a_statement_run_alone_is_not_reused() -> None:
    """The statement that meets a dead connection fails; the next one gets a fresh one."""
    assert POSTGRES_URL is not None
    # One connection, never checked on checkout: only run_alone can keep the dead one out.
    db = Database(create_engine(POSTGRES_URL, pool_size=1, max_overflow=0, ping_after_idle=3600))
    killer = Database(create_engine(POSTGRES_URL))
    try:
        [(pid,)] = await db.run_alone(sa.select(sa.func.pg_backend_pid()))
        await killer.run_alone(sa.select(sa.func.pg_terminate_backend(pid)))
        await asyncio.sleep(0.2)
        with pytest.raises(asyncpg.InterfaceError, match="connection is closed"):
            await db.run_alone(sa.select(sa.literal(1)))
        assert await db.run_alone(sa.select(sa.func.pg_backend_pid())) != [(pid,)]
    finally:
        await db.dispose()
        await killer.dispose()


@pytest.mark.sqlite_only
async def test_a_sqlite_connection_returned_mid_transaction_is_rolled_back(
    settings: Settings,
) -> None:
    """The pool rolls back only a connection with a transaction open: this one has."""
    db = Database(create_engine(settings.database_url, pool_size=1, max_overflow=0))
    try:
        async with db.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            await driver.execute("BEGIN IMMEDIATE")
            await driver.execute(
                "INSERT INTO rate_limits (key, hits, window_started_at) "
                "VALUES ('left-open', 1, '2026-01-01 00:00:00')"
            )
        async with db.engine.connect() as conn:  # the same connection, back from the pool
            driver = (await conn.get_raw_connection()).driver_connection
            assert not driver.in_transaction
            assert await driver.execute_fetchall("SELECT key FROM rate_limits") == []
    finally:
        await db.dispose()
