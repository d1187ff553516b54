"""Webhook tests' BFF: our webhook secret and fast inbox workers (the reconciler's periodic sweep
is off; tests call it directly), on top of the root ``bff_settings``."""

from __future__ import annotations

import pytest

from tests.support.settings import SettingsFactory
from tests.support.webhooks import with_fast_inbox


@pytest.fixture
def bff_settings(bff_settings: SettingsFactory) -> SettingsFactory:
    return with_fast_inbox(bff_settings)
