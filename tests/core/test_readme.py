"""The README documents every setting, so a newcomer never has to read config.py."""

from __future__ import annotations

from pathlib import Path

from gangway.core.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented() -> None:
    text = README.read_text()
    missing = [name for name in Settings.model_fields if f"GANGWAY_{name.upper()}" not in text]
    assert missing == [], f"document these in README.md: {missing}"


def test_readme_leads_with_the_two_commands() -> None:
    text = README.read_text()
    first_screen = text[:2500]
    assert "make dev" in first_screen
    assert "make test" in first_screen
