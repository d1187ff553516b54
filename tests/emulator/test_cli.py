"""The command line, environment variables and state-file persistence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from stripe_emulator.__main__ import parse_args
from tests.emulator.conftest import MERCHANT_ACCOUNT
from tests.support.emulator_server import running_emulator


def test_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_args([])
    assert (config.host, config.port, config.base_url) == (
        "127.0.0.1",
        12111,
        "http://127.0.0.1:12111",
    )
    monkeypatch.setenv("STRIPE_EMULATOR_PORT", "9999")
    monkeypatch.setenv("STRIPE_EMULATOR_LINK_TTL", "30")
    monkeypatch.setenv("STRIPE_EMULATOR_PUBLIC_URL", "http://emulator.test:1/")
    config = parse_args(
        [
            "--webhook-url",
            "http://x/h",
            "--webhook-secret",
            "whsec_abc",
            "--verification-delay",
            "0",
        ]
    )
    assert config.port == 9999
    assert config.link_ttl == 30
    assert config.base_url == "http://emulator.test:1"
    assert (config.webhook_url, config.webhook_secret, config.verification_delay) == (
        "http://x/h",
        "whsec_abc",
        0,
    )
    with pytest.raises(SystemExit):
        parse_args(["--webhook-secret", "whsec_abc"])


def test_fresh_account_shape_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_args([]).fresh_accounts == "past_due"
    assert parse_args(["--fresh-accounts", "currently_due"]).fresh_accounts == "currently_due"
    monkeypatch.setenv("STRIPE_EMULATOR_FRESH_ACCOUNTS", "currently_due")
    assert parse_args([]).fresh_accounts == "currently_due"
    monkeypatch.setenv("STRIPE_EMULATOR_FRESH_ACCOUNTS", "sometimes")
    with pytest.raises(SystemExit):
        parse_args([])


def test_module_entry_point_has_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stripe_emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--webhook-secret" in result.stdout


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with running_emulator(state_file=str(state)) as emu:
        created = httpx.post(
            f"{emu.base_url}/v2/core/accounts",
            json=MERCHANT_ACCOUNT,
            headers=emu.auth_headers,
        )
        assert created.status_code == 200
    assert state.exists()
    with running_emulator(state_file=str(state)) as emu:
        again = httpx.get(
            f"{emu.base_url}/v2/core/accounts/{created.json()['id']}",
            headers=emu.auth_headers,
        )
        assert again.status_code == 200
        assert again.json()["display_name"] == "Acme Tools"
