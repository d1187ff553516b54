"""The BFF for onboarding tests: wired to this test's emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gangway.core.config import Settings


@pytest.fixture
async def bff(
    app_factory: Callable[[Settings], Any], emulator_settings: Callable[..., Settings]
) -> Any:
    return await app_factory(emulator_settings())
