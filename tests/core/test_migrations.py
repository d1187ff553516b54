"""Alembic: upgrade and downgrade on both dialects, and no drift between models and migrations."""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gangway.core.config import Settings
from gangway.core.db import create_engine
from gangway.core.migrations import alembic_config, head_revisions
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
    assert {"merchants", "sessions", "login_throttles", "alembic_version"} <= tables
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
