"""``SettingsDep`` and ``DatabaseDep``: the process's settings and database, for endpoints.

Each domain's ``dependencies.py`` hands out its own service the same way, from the services
the composition root (``gangway.container``) put on ``app.state.services``. Dependencies are
``async def`` even when they only read ``app.state``: FastAPI runs plain ``def`` dependencies
in a thread pool, which costs a thread hop per request for nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.core.config import Settings
from gangway.core.db import Database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.services.db
    return db


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
