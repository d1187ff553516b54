"""CLI tests reuse the webhook fixtures (emulator, BFF, merchants)."""

from tests.webhooks.conftest import (  # noqa: F401  - shared fixtures
    bff,
    browser,
    emulator,
    emulator_settings,
    merchant,
    onboarded_merchant,
    webhook_settings,
)
