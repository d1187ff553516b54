"""Settings values the suites share, and the types of the fixtures that build settings and apps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from gangway.core.config import Settings

BASE_URL = "http://127.0.0.1:8000"
# Test-only Argon2 cost: production parameters are asserted separately.
FAST_ARGON2: dict[str, Any] = {
    "argon2_memory_kib": 1024,
    "argon2_time_cost": 1,
    "argon2_parallelism": 1,
}
# Test-only inbox batch window: tests that wait for a processed webhook would otherwise sit out
# the production 0.25 s. The window itself is pinned by tests/webhooks/test_batching.py.
SHORT_BATCH_WINDOW: dict[str, Any] = {"inbox_batch_window_seconds": 0.02}

#: ``make_settings`` / ``bff_settings``: keyword arguments override Settings fields.
SettingsFactory = Callable[..., Settings]
#: ``app_factory``: start an app (lifespan included) for these settings.
AppFactory = Callable[[Settings], Awaitable[FastAPI]]
#: ``make_bff``: start a BFF wired to the test's emulator; keyword arguments override fields.
BffFactory = Callable[..., Awaitable[FastAPI]]
