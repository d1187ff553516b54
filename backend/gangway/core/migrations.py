"""Running Alembic from code: upgrade at start-up (opt-in) and the readiness check."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from gangway.core.config import Settings
from gangway.core.db import Database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def alembic_config(settings: Settings | None = None) -> Config:
    """An Alembic config for ``settings``' database that leaves the app's logging alone."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["settings"] = settings
    config.attributes["configure_logger"] = False
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


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
