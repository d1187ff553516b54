"""Settings validation, including the live-mode HTTPS rule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gangway.core.config import Settings


@pytest.mark.parametrize("key", ["sk_live_abc123", "rk_live_abc123"])
def test_live_key_with_http_base_url_refuses_to_start(key: str) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(
            _env_file=None,
            stripe_api_key=key,
            public_base_url="http://shop.example.com",
        )  # type: ignore[call-arg]
    message = str(info.value)
    assert "live-mode key" in message
    assert "HTTPS" in message
    assert key not in message, "the key itself never appears in the error"


def test_live_key_with_https_base_url_is_fine() -> None:
    settings = Settings(
        _env_file=None,
        stripe_api_key="sk_live_abc",
        public_base_url="https://shop.example.com/",  # type: ignore[call-arg]
    )
    assert settings.stripe_live_mode
    assert settings.public_base_url == "https://shop.example.com"
    assert settings.secure_cookies
    assert settings.session_cookie_name == "__Host-gangway_session"


def test_test_key_with_http_is_fine_and_no_key_means_emulator() -> None:
    assert not Settings(_env_file=None, stripe_api_key="sk_test_x").stripe_live_mode  # type: ignore[call-arg]
    assert Settings(_env_file=None).uses_emulator  # type: ignore[call-arg]


def test_env_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GANGWAY_STRIPE_WEBHOOK_SECRETS", "whsec_a, whsec_b")
    monkeypatch.setenv("GANGWAY_TRUSTED_ORIGINS", "http://localhost:5173")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert [s.get_secret_value() for s in settings.stripe_webhook_secrets] == [
        "whsec_a",
        "whsec_b",
    ]
    assert settings.trusted_origins == ["http://localhost:5173"]


def test_live_key_refuses_to_start_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import gangway.main

    monkeypatch.setenv("GANGWAY_STRIPE_API_KEY", "sk_live_zzz")
    monkeypatch.setenv("GANGWAY_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    with pytest.raises(ValidationError, match="Refusing to start"):
        gangway.main.app  # noqa: B018 - building the app is the point


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "https://x.example/?a=b"])
def test_public_base_url_must_be_plain_http_url(url: str) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, public_base_url=url)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "url", ["postgresql://u@h/db", "postgresql+psycopg://u@h/db", "sqlite:///x.db", "mysql://h"]
)
def test_database_url_must_name_a_driver_gangway_runs_on(url: str) -> None:
    with pytest.raises(ValidationError, match="postgresql\\+asyncpg://"):
        Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]


# --- the publishable key and the onboarding surface


@pytest.mark.parametrize(
    ("secret", "publishable"),
    [
        ("sk_live_abc", "pk_test_abc"),
        ("rk_live_abc", "pk_test_abc"),
        ("sk_test_abc", "pk_live_abc"),
        (None, "pk_live_abc"),  # the emulator is test mode
        ("sk_test_abc", "sk_test_abc"),  # not a publishable key at all
    ],
)
def test_a_publishable_key_of_the_other_mode_refuses_to_start(
    secret: str | None, publishable: str
) -> None:
    with pytest.raises(ValidationError, match="GANGWAY_STRIPE_PUBLISHABLE_KEY must start with"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            stripe_api_key=secret,
            stripe_publishable_key=publishable,
            public_base_url="https://shop.example.com",
        )


@pytest.mark.parametrize(
    ("secret", "publishable"),
    [("sk_live_abc", "pk_live_abc"), ("rk_live_abc", "pk_live_abc"), ("sk_test_a", "pk_test_a")],
)
def test_a_publishable_key_of_the_same_mode_is_served(secret: str, publishable: str) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stripe_api_key=secret,
        stripe_publishable_key=publishable,
        public_base_url="https://shop.example.com",
    )
    assert settings.publishable_key == publishable
    assert settings.connect_js_url is None  # real Stripe: the npm loader fetches Connect.js


def test_the_emulator_has_a_test_publishable_key_and_serves_connect_js() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.publishable_key == "pk_test_gangway_emulator"
    assert settings.connect_js_url == "http://127.0.0.1:12111/connect-js/v1.js"
    # a test key against the emulator's address is the emulator too
    pointed = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stripe_api_key="sk_test_x",
        stripe_api_base="http://127.0.0.1:4242/",
    )
    assert pointed.stripe_emulated
    assert pointed.connect_js_url == "http://127.0.0.1:4242/connect-js/v1.js"
    real = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stripe_api_key="sk_test_x",
        stripe_api_base="https://api.stripe.com",
    )
    assert not real.stripe_emulated
    assert real.publishable_key is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"onboarding_surface": "embedded"},
        {"losses_collector": "stripe", "fees_collector": "stripe"},  # auto, must-embed accounts
    ],
)
def test_embedded_onboarding_with_real_stripe_needs_a_publishable_key(
    overrides: dict[str, str],
) -> None:
    with pytest.raises(ValidationError, match="GANGWAY_STRIPE_PUBLISHABLE_KEY is not set"):
        Settings(_env_file=None, stripe_api_key="sk_test_x", **overrides)  # type: ignore[call-arg]
    # hosted-only platforms, and the emulator, need none
    assert Settings(_env_file=None, stripe_api_key="sk_test_x").publishable_key is None  # type: ignore[call-arg]
    assert Settings(_env_file=None, **overrides).publishable_key  # type: ignore[call-arg]


def test_hosted_only_refuses_accounts_that_must_use_embedded_components() -> None:
    with pytest.raises(ValidationError, match="must use embedded components"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            onboarding_surface="hosted",
            losses_collector="stripe",
            fees_collector="stripe",
        )
    express = Settings(
        _env_file=None,  # type: ignore[call-arg]
        onboarding_surface="hosted",
        account_dashboard="express",
        losses_collector="stripe",
        fees_collector="stripe",
    )
    assert express.onboarding_surface == "hosted"
