"""CLI tests reuse the webhook fixtures (the emulator and merchants come from tests/conftest.py)."""

from tests.webhooks.conftest import bff, webhook_settings  # noqa: F401  - shared fixtures
