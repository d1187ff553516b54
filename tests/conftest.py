"""Shared fixtures: an isolated database per test, the app, and an HTTP client over ASGI; the
Stripe emulator over real HTTP, and the ``bff`` wired to it.

The suite runs on SQLite by default. Set ``GANGWAY_TEST_POSTGRES_URL`` (``make test`` does when
PostgreSQL is configured; CI always does) to run every database test on PostgreSQL instead,
each test in a schema of its own.

Helpers live in ``tests/support/``; import them from there, not from this module.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlmodel import SQLModel

import gangway.models  # noqa: F401  - registers every table on the metadata
from gangway.core.config import Settings
from gangway.core.db import create_engine
from gangway.main import create_app
from tests.support.api import make_client, post, signup
from tests.support.database import POSTGRES_URL, TestDatabase
from tests.support.emulator_server import EmulatorHandle, running_emulator
from tests.support.settings import (
    BASE_URL,
    FAST_ARGON2,
    SHORT_BATCH_WINDOW,
    AppFactory,
    BffFactory,
    SettingsFactory,
)


def pytest_report_header() -> str:
    return f"gangway database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_URL is None and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL pass only (make test runs it)"))
        if POSTGRES_URL is not None and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite pass only"))


@pytest.fixture
async def test_db(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    """An empty database for one test: a SQLite file, or a fresh PostgreSQL schema."""
    if POSTGRES_URL is None:
        yield TestDatabase(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}", None, "sqlite")
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield TestDatabase(POSTGRES_URL, schema, "postgresql")
    finally:
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def migrated_db(test_db: TestDatabase) -> TestDatabase:
    """``test_db`` with every table created from the models (migrations are tested apart)."""
    engine = create_engine(test_db.url, schema=test_db.schema)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    await engine.dispose()
    return test_db


@pytest.fixture
def make_settings(migrated_db: TestDatabase) -> SettingsFactory:
    """Build Settings for this test's database; keyword arguments override fields."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": migrated_db.url,
            "database_schema": migrated_db.schema,
            "public_base_url": BASE_URL,
            "log_format": "console",
            **FAST_ARGON2,
            **SHORT_BATCH_WINDOW,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    return make_settings()


@pytest.fixture
async def app_factory() -> AsyncIterator[AppFactory]:
    """Start apps (lifespan included) for given settings; all are shut down after the test."""
    stack: list[AbstractAsyncContextManager[Any]] = []

    async def start(settings: Settings) -> FastAPI:
        app = create_app(settings)
        ctx = app.router.lifespan_context(app)
        await ctx.__aenter__()
        stack.append(ctx)
        return app

    yield start
    for ctx in reversed(stack):
        await ctx.__aexit__(None, None, None)


@pytest.fixture
async def app(app_factory: AppFactory, settings: Settings) -> FastAPI:
    return await app_factory(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as c:
        yield c


@pytest.fixture
def unique_email() -> Callable[[], str]:
    counter = iter(range(1_000_000))
    return lambda: f"merchant{next(counter)}-{uuid.uuid4().hex[:6]}@example.com"


# --- the Stripe emulator over real HTTP, the BFF wired to it, and that BFF's merchants.


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(verification_delay=0.2) as handle:
        yield handle


@pytest.fixture
def bff_settings(make_settings: SettingsFactory, emulator: EmulatorHandle) -> SettingsFactory:
    """Settings for a BFF that talks to this test's emulator; keyword arguments override fields.

    A directory whose BFF needs other defaults overrides this fixture in its ``conftest.py``,
    extending this one (see ``tests/webhooks/conftest.py``). A test that needs other values for
    one field asks for ``make_bff`` (an app) or calls this (settings for a server of its own).
    """

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "stripe_api_key": emulator.api_key,
            "stripe_api_base": emulator.base_url,
            "stripe_max_network_retries": 0,
            "stripe_timeout_seconds": 2.0,
            **overrides,
        }
        return make_settings(**values)

    return make


@pytest.fixture
def make_bff(app_factory: AppFactory, bff_settings: SettingsFactory) -> BffFactory:
    """Start a BFF (lifespan included) on ``bff_settings(**overrides)``; stopped after the test.

    ``bff = await make_bff(links_per_minute=3)``
    """

    async def make(**overrides: Any) -> FastAPI:
        return await app_factory(bff_settings(**overrides))

    return make


@pytest.fixture
async def bff(make_bff: BffFactory) -> FastAPI:
    """The BFF app, wired to this test's emulator over real HTTP, on ``bff_settings()``."""
    return await make_bff()


@pytest.fixture
async def merchant(
    bff: FastAPI, unique_email: Callable[[], str]
) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in merchant's client (no account yet)."""
    async with make_client(bff) as client:
        await signup(client, unique_email())
        yield client


@pytest.fixture
async def onboarded_merchant(merchant: httpx.AsyncClient) -> httpx.AsyncClient:
    """A signed-in merchant with a connected account."""
    response = await post(merchant, "/api/account", {"country": "US", "business_type": "company"})
    assert response.status_code == 201, response.text
    return merchant


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client for the emulator's hosted pages (no redirects followed)."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
