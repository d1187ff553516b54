"""Request-scoped access to the app's long-lived parts, as ``Annotated`` dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.core.config import Settings
from gangway.core.db import Database


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
