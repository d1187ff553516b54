"""Fixtures for the onboarding journey: the emulator over real HTTP and a BFF wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from gangway.core.config import Settings
from tests.conftest import make_client
from tests.support.api import post, signup
from tests.support.emulator_server import EmulatorHandle, running_emulator


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
async def bff(
    app_factory: Callable[[Settings], Any], emulator_settings: Callable[..., Settings]
) -> Any:
    return await app_factory(emulator_settings())


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
