"""Request-scoped access to the app's long-lived parts, as ``Annotated`` dependency aliases.

Dependencies are ``async def`` even when they only read ``app.state``: FastAPI runs plain
``def`` dependencies in a thread pool, which costs a thread hop per request for nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.core.config import Settings
from gangway.core.db import Database
from gangway.onboarding.live import StatusHub
from gangway.stripe_gateway import StripeGateway


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_stripe(request: Request) -> StripeGateway:
    gateway: StripeGateway = request.app.state.stripe
    return gateway


async def get_status_hub(request: Request) -> StatusHub:
    hub: StatusHub = request.app.state.status_hub
    return hub


StripeDep = Annotated[StripeGateway, Depends(get_stripe)]
StatusHubDep = Annotated[StatusHub, Depends(get_status_hub)]
