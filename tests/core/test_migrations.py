"""Alembic: upgrade and downgrade on both dialects, and no drift between models and migrations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import anyio.to_thread
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.pool import NullPool

from gangway.core.config import Settings
from gangway.core.db import create_engine
from gangway.core.migrations import (
    advisory_lock_key,
    alembic_config,
    head_revisions,
    known_revisions,
    migration_connection,
    schema_state,
    upgrade_to_head,
)
from gangway.models import metadata
from tests.support.database import TestDatabase
from tests.support.settings import FAST_ARGON2


def _settings(db: TestDatabase) -> Settings:
    return Settings(_env_file=None, database_url=db.url, database_schema=db.schema, **FAST_ARGON2)  # type: ignore[call-arg]


async def _tables(db: TestDatabase) -> set[str]:
    engine = create_engine(db.url, schema=db.schema)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names(schema=db.schema)))
    await engine.dispose()
    return names


async def test_upgrade_to_head_then_downgrade_to_base(test_db: TestDatabase) -> None:
    config = alembic_config(_settings(test_db))
    await anyio.to_thread.run_sync(command.upgrade, config, "head")
    tables = await _tables(test_db)
    assert {"merchants", "sessions", "rate_limits", "alembic_version"} <= tables
    assert set(metadata.tables) <= tables
    await anyio.to_thread.run_sync(command.downgrade, config, "base")
    assert await _tables(test_db) <= {"alembic_version"}
    # And up again: downgrades leave nothing behind that blocks a re-upgrade.
    await anyio.to_thread.run_sync(command.upgrade, config, "head")


async def test_models_and_migrations_do_not_drift(test_db: TestDatabase) -> None:
    await anyio.to_thread.run_sync(command.upgrade, alembic_config(_settings(test_db)), "head")
    engine = create_engine(test_db.url, schema=test_db.schema)

    def diff(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": metadata}
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    await engine.dispose()
    assert changes == [], f"models differ from migrations; run `make migration`: {changes}"


async def _persistence(db: TestDatabase, table: str) -> str:
    engine = create_engine(db.url, schema=db.schema)
    async with engine.connect() as conn:
        kind = await conn.scalar(
            sa.text("SELECT relpersistence::text FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": f'"{db.schema}".{table}'},
        )
    await engine.dispose()
    return str(kind)


@pytest.mark.postgres_only
async def test_rate_limits_are_unlogged_and_the_rest_is_logged_both_ways(
    test_db: TestDatabase,
) -> None:
    """Counters skip the WAL (see gangway.core.ratelimit); nothing else may, by accident."""
    await anyio.to_thread.run_sync(command.upgrade, alembic_config(_settings(test_db)), "head")
    assert await _persistence(test_db, "rate_limits") == "u"  # unlogged
    assert await _persistence(test_db, "link_audits") == "p"  # permanent
    assert await _persistence(test_db, "webhook_inbox") == "p"
    await anyio.to_thread.run_sync(command.downgrade, alembic_config(_settings(test_db)), "0005")
    assert await _persistence(test_db, "rate_limits") == "p"


@pytest.mark.postgres_only
async def test_the_models_make_rate_limits_unlogged_too(migrated_db: TestDatabase) -> None:
    """``create_all`` (every other test's database) matches the migrations."""
    assert await _persistence(migrated_db, "rate_limits") == "u"
    assert await _persistence(migrated_db, "sessions") == "p"


async def test_a_link_whose_expiry_was_never_recorded_downgrades_as_expired(
    test_db: TestDatabase,
) -> None:
    """0007 lets a link's audit row wait for Stripe's expiry; going back gives it its own
    creation time (0006 requires one)."""
    config = alembic_config(_settings(test_db))
    await anyio.to_thread.run_sync(command.upgrade, config, "head")
    engine = create_engine(test_db.url, schema=test_db.schema)
    created = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO merchants (id, email, password_hash, business_name, created_at)"
                    " VALUES ('m1', 'm1@example.com', 'x', 'Acme', :created)"
                ),
                {"created": created},
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO link_audits (merchant_id, stripe_account_id, use_case, collect,"
                    " future_requirements, source, created_at, expires_at) VALUES ('m1',"
                    " 'acct_1', 'account_onboarding', 'eventually_due', 'omit', 'api', :created,"
                    " NULL)"
                ),
                {"created": created},
            )
        await anyio.to_thread.run_sync(command.downgrade, config, "0006")
        async with engine.connect() as conn:
            row = (
                await conn.execute(sa.text("SELECT created_at, expires_at FROM link_audits"))
            ).one()
        assert row.expires_at is not None
        assert row.expires_at == row.created_at
    finally:
        await engine.dispose()


def test_a_single_head() -> None:
    assert len(head_revisions()) == 1


async def test_readyz_reports_migrations(
    app_factory: Callable[[Settings], object], test_db: TestDatabase
) -> None:
    from typing import Any

    from tests.support.api import make_client

    settings = _settings(test_db)
    app: Any = await app_factory(settings)
    async with make_client(app) as client:
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503
        assert not_ready.headers["content-type"] == "application/problem+json"
        assert "retry-after" in not_ready.headers
        await anyio.to_thread.run_sync(command.upgrade, alembic_config(settings), "head")
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok"}


async def test_readyz_accepts_a_newer_schema_but_not_an_older_one(
    app_factory: Callable[[Settings], object], test_db: TestDatabase
) -> None:
    from typing import Any

    from tests.support.api import make_client

    settings = _settings(test_db)
    await anyio.to_thread.run_sync(command.upgrade, alembic_config(settings), "head")
    app: Any = await app_factory(settings)
    engine = create_engine(test_db.url, schema=test_db.schema)

    async def stamp(revision: str) -> None:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
            )

    try:
        async with make_client(app) as client:
            # Mid rolling deploy: a newer release migrated first; this one keeps serving.
            await stamp("9999_from_a_newer_release")
            assert (await client.get("/readyz")).status_code == 200
            # Behind: this code needs a migration that has not run.
            (first, *_) = sorted(known_revisions())
            await stamp(first)
            assert (await client.get("/readyz")).status_code == 503
    finally:
        await engine.dispose()


def test_schema_state() -> None:
    (head,) = head_revisions()
    assert schema_state({head}, {head}) == "current"
    assert schema_state(set(), {head}) == "behind"
    assert schema_state({min(known_revisions())}, {head}) == "behind"
    assert schema_state({"unknown_newer"}, {head}) == "ahead"


def test_each_schema_has_its_own_advisory_lock() -> None:
    keys = {advisory_lock_key(schema) for schema in (None, "public", "t_1", "t_2")}
    assert len(keys) == 4
    assert all(-(2**63) <= key < 2**63 for key in keys)
    assert advisory_lock_key("t_1") == advisory_lock_key("t_1")


async def test_an_upgrade_waits_for_the_migration_lock(
    test_db: TestDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gangway.migrations")
    settings = _settings(test_db)
    engine = create_engine(test_db.url, schema=test_db.schema, poolclass=NullPool)
    try:
        async with migration_connection(engine, test_db.schema):
            upgrade = asyncio.create_task(upgrade_to_head(settings))
            for _ in range(200):
                if any(r.message == "db.migrations.lock_waiting" for r in caplog.records):
                    break
                await asyncio.sleep(0.05)
            assert any(r.message == "db.migrations.lock_waiting" for r in caplog.records)
            await asyncio.sleep(0.3)
            assert not upgrade.done()
            assert "alembic_version" not in await _tables(test_db)
        await asyncio.wait_for(upgrade, timeout=60)
    finally:
        await engine.dispose()
    assert {"alembic_version", *metadata.tables} <= await _tables(test_db)
    applied = [r for r in caplog.records if r.message == "db.migrations.applied"]
    assert len(applied) == 1
