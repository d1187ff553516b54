"""Shared fixtures: an isolated database per test, the app, and an HTTP client over ASGI.

The suite runs on SQLite by default. Set ``GANGWAY_TEST_POSTGRES_URL`` (``make test`` does when
PostgreSQL is configured; CI always does) to run every database test on PostgreSQL instead,
each test in a schema of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import gangway.models  # noqa: F401  - registers every table on the metadata
from gangway.core.config import Settings
from gangway.core.db import create_engine
from gangway.main import create_app
from tests.support.api import post, signup
from tests.support.emulator_server import EmulatorHandle, running_emulator

POSTGRES_URL = os.environ.get("GANGWAY_TEST_POSTGRES_URL")
BASE_URL = "http://127.0.0.1:8000"
# Test-only Argon2 cost: production parameters are asserted separately.
FAST_ARGON2 = {
    "argon2_memory_kib": 1024,
    "argon2_time_cost": 1,
    "argon2_parallelism": 1,
}


def pytest_report_header() -> str:
    return f"gangway database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_URL is None and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL pass only (make test runs it)"))
        if POSTGRES_URL is not None and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite pass only"))


@dataclass(frozen=True)
class TestDatabase:
    """Where this test's database lives."""

    __test__ = False  # a fixture value, not a test class

    url: str
    schema: str | None
    dialect: str


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
def make_settings(migrated_db: TestDatabase) -> Callable[..., Settings]:
    """Build Settings for this test's database; keyword arguments override fields."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": migrated_db.url,
            "database_schema": migrated_db.schema,
            "public_base_url": BASE_URL,
            "log_format": "console",
            **FAST_ARGON2,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def app_factory() -> AsyncIterator[Callable[[Settings], Any]]:
    """Start apps (lifespan included) for given settings; all are shut down after the test."""
    stack: list[Any] = []

    async def start(settings: Settings) -> Any:
        app = create_app(settings)
        ctx = app.router.lifespan_context(app)
        await ctx.__aenter__()
        stack.append(ctx)
        return app

    yield start
    for ctx in reversed(stack):
        await ctx.__aexit__(None, None, None)


@pytest.fixture
async def app(app_factory: Callable[[Settings], Any], settings: Settings) -> Any:
    return await app_factory(settings)


def make_client(app: Any, **kwargs: Any) -> httpx.AsyncClient:
    """A client that looks like our SPA: same-origin fetch metadata on every request."""
    headers = {"Sec-Fetch-Site": "same-origin", **kwargs.pop("headers", {})}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers=headers,
        **kwargs,
    )


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as c:
        yield c


@pytest.fixture
def unique_email() -> Callable[[], str]:
    counter = iter(range(1_000_000))
    return lambda: f"merchant{next(counter)}-{uuid.uuid4().hex[:6]}@example.com"


# --- the Stripe emulator over real HTTP, and merchants of a BFF wired to it. Each directory
# that uses these defines the ``bff`` fixture they build on.


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(verification_delay=0.2) as handle:
        yield handle


@pytest.fixture
def emulator_settings(
    make_settings: Callable[..., Settings], emulator: EmulatorHandle
) -> Callable[..., Settings]:
    """Settings for a BFF that talks to this test's emulator."""

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
async def merchant(bff: Any, unique_email: Callable[[], str]) -> AsyncIterator[httpx.AsyncClient]:
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
