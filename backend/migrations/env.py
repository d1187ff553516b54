"""Alembic environment: async engine, batch mode on SQLite, URL from Gangway's settings.

Online upgrades run under the database's migration lock (``gangway.core.migrations``), so any
number of processes may run them at once: one migrates, the others wait and find it done.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from gangway.core.config import Settings
from gangway.core.db import create_engine
from gangway.core.migrations import migration_connection
from gangway.models import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _settings() -> Settings:
    settings: Settings | None = config.attributes.get("settings")
    return settings or Settings()


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings = _settings()
    # No pool: the connection, and with it the PostgreSQL advisory lock, ends with the run.
    engine = create_engine(
        settings.database_url, schema=settings.database_schema, poolclass=NullPool
    )
    try:
        async with migration_connection(engine, settings.database_schema) as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(_run_async())
