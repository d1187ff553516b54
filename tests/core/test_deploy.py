"""The compose file is validated here, since no Docker engine runs on CI machines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gangway.core.config import Settings

REPO = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def test_compose_services_are_wired() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "emulator", "bff"}
    for name in ("emulator", "bff"):
        assert services[name]["build"] == "."
    assert (REPO / "Dockerfile").is_file()
    bff_env = services["bff"]["environment"]
    emulator_cmd = services["emulator"]["command"]
    secret = emulator_cmd[emulator_cmd.index("--webhook-secret") + 1]
    assert bff_env["GANGWAY_STRIPE_WEBHOOK_SECRETS"] == secret
    assert bff_env["GANGWAY_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert services["bff"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_bff_environment_is_valid_settings() -> None:
    env = _compose()["services"]["bff"]["environment"]
    known = {f"GANGWAY_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= known, set(env) - known
