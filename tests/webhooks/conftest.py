"""Fixtures for webhook tests: a BFF wired to the emulator, with webhook secrets and fast
inbox workers (the reconciler's periodic sweep is off; tests call it directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gangway.core.config import Settings
from tests.webhooks.support import SECRET

FAST_INBOX: dict[str, Any] = {
    "stripe_webhook_secrets": [SECRET],
    "inbox_poll_seconds": 0.05,
    "inbox_retry_base_seconds": 0.05,
    "inbox_lease_seconds": 10.0,
    "reconcile_interval_seconds": 0,
}


@pytest.fixture
def webhook_settings(emulator_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        return emulator_settings(**{**FAST_INBOX, **overrides})

    return make


@pytest.fixture
async def bff(
    app_factory: Callable[[Settings], Any], webhook_settings: Callable[..., Settings]
) -> Any:
    return await app_factory(webhook_settings())
