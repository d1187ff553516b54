"""Operations tests' BFF: our webhook secret and fast inbox workers, on top of the root
``bff_settings``; and BFF processes stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.bff_server import BffProcess
from tests.support.settings import SettingsFactory
from tests.support.webhooks import with_fast_inbox


@pytest.fixture
def bff_settings(bff_settings: SettingsFactory) -> SettingsFactory:
    return with_fast_inbox(bff_settings)


@pytest.fixture
def processes() -> Iterator[list[BffProcess]]:
    """BFF processes a test starts; each is stopped (SIGTERM, then SIGKILL) after it."""
    started: list[BffProcess] = []
    yield started
    for bff in started:
        bff.stop()
