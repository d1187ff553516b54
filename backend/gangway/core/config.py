"""Settings, read once from the environment (prefix ``GANGWAY_``) and an optional ``.env`` file.

Every setting is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The API version stripe-python 16.1.0 pins; used when GANGWAY_STRIPE_API_VERSION is unset.
SDK_PINNED_API_VERSION = "2026-10-28.endive"
# The default emulator address, so `make dev` needs no Stripe key.
EMULATOR_API_BASE = "http://127.0.0.1:12111"
EMULATOR_API_KEY = "sk_test_gangway_emulator"
# What the SPA hands the emulator's Connect.js stand-in (it accepts any ``pk_test_`` key).
EMULATOR_PUBLISHABLE_KEY = "pk_test_gangway_emulator"
# Stripe's own API host: any other API base is taken to be the emulator (or a test double).
STRIPE_API_HOST = "api.stripe.com"


# Which requirements an Account Link collects: all up front, or only what is due now. Stripe's
# ``collection_options.fields``; the platform default here, a link request's choice in onboarding.
Collect = Literal["currently_due", "eventually_due"]
# Whether an Account Link also collects future requirements
# (``collection_options.future_requirements``).
FutureRequirements = Literal["include", "omit"]
# Where merchants onboard and update their information: Stripe-hosted Account Links, Connect
# embedded components inside the SPA, or ``auto`` (embedded for accounts that must use it).
OnboardingSurface = Literal["hosted", "embedded", "auto"]


def _seconds(value: object) -> object:
    """Durations accept plain seconds ("1800") as well as ISO 8601 ("PT30M")."""
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return timedelta(seconds=float(value))
    return value


# A duration setting: seconds or ISO 8601.
Duration = Annotated[timedelta, BeforeValidator(_seconds)]


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """All runtime configuration. Construct it directly in tests; never mutate it."""

    model_config = SettingsConfigDict(
        env_prefix="GANGWAY_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        # Validation errors must never echo a secret back (e.g. the Stripe key) into logs.
        hide_input_in_errors=True,
    )

    # --- where things live
    database_url: str = "sqlite+aiosqlite:///./data/gangway.db"
    database_schema: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    trusted_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    frontend_dist: Path | None = None
    auto_migrate: bool = False
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
    # Bearer token for GET /metrics; unset, /metrics answers only requests from loopback.
    metrics_token: SecretStr | None = None
    # FastAPI's native OpenTelemetry (traces, metrics and logs to the global providers). Off:
    # Gangway exports Prometheus metrics and JSON logs, and the check costs every request a few
    # per cent even with no provider installed. Turn on when an OpenTelemetry SDK is set up.
    opentelemetry: bool = False
    # --- serving (`python -m gangway.ops.serve`, the image's command; see gangway/ops/serve.py)
    workers: int = Field(default=1, ge=1)
    trusted_proxies: str = ""  # addresses/CIDRs whose X-Forwarded-For/-Proto are believed
    graceful_shutdown_seconds: float = Field(default=10.0, ge=0)

    # --- Stripe
    stripe_api_key: SecretStr | None = None
    stripe_api_base: str | None = None
    stripe_api_version: str = SDK_PINNED_API_VERSION
    stripe_webhook_secrets: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    stripe_timeout_seconds: float = 10.0
    stripe_max_network_retries: int = 2
    # One overall deadline per Stripe call, retries included, so a merchant waiting on a
    # request gets an answer (a 503 problem with Retry-After) within a few seconds.
    stripe_deadline_seconds: float = Field(default=8.0, gt=0)
    # For Connect embedded components in the browser; not a secret. Its mode must match the
    # secret key's. Unset with the emulator: EMULATOR_PUBLISHABLE_KEY.
    stripe_publishable_key: str | None = None

    # --- sessions and sign-in
    session_idle_timeout: Duration = timedelta(minutes=30)
    session_absolute_timeout: Duration = timedelta(hours=12)
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_throttle_window: Duration = timedelta(minutes=15)
    password_min_length: int = 12
    signups_per_ip_per_hour: int = 20
    # Request bodies larger than these are refused with 413 before they are read into memory.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_webhook_body_bytes: int = Field(default=256 * 1024, ge=1024)
    # Argon2id cost (RFC 9106's second recommended option). Tests lower these for speed.
    argon2_memory_kib: int = 65536
    argon2_time_cost: int = 3
    argon2_parallelism: int = 4

    # --- onboarding defaults (platform settings)
    default_collect: Collect = "eventually_due"
    default_future_requirements: FutureRequirements = "omit"
    account_dashboard: Literal["express", "full", "none"] = "none"
    fees_collector: Literal["application", "stripe"] = "application"
    losses_collector: Literal["application", "stripe"] = "application"
    # Who merchants contact when no link can help (Stripe says contact_stripe). Shown as given.
    support_email: str | None = None
    support_url: str | None = None
    links_per_minute: int = 10
    refresh_loop_limit: int = 3
    manual_sync_interval: Duration = timedelta(seconds=10)
    return_sync_timeout_seconds: float = 5.0
    onboarding_surface: OnboardingSurface = "auto"

    # --- webhooks, inbox and reconciler
    inbox_workers: int = 1
    inbox_max_attempts: int = 8
    inbox_poll_seconds: float = 1.0
    # A delivered event waits this long before a worker takes it, and a worker then takes every
    # waiting event of that account: a burst about one account is one re-read from Stripe.
    inbox_batch_window_seconds: float = Field(default=0.25, ge=0)
    # A claimed event is re-claimable once its lease runs out (crash recovery); a live worker
    # renews it every third of a lease, so a short lease means recovery within seconds.
    inbox_lease_seconds: float = Field(default=10.0, gt=0)
    # One attempt at an event gives up after this long (then retried with backoff).
    inbox_attempt_timeout_seconds: float = Field(default=30.0, gt=0)
    # First retry delay of a failed inbox event; doubles per attempt (capped at 10 minutes).
    inbox_retry_base_seconds: float = 2.0
    # Seconds between reconciler sweeps; 0 turns the periodic sweep off (`gangway reconcile`).
    reconcile_interval_seconds: float = 300.0
    reconcile_stale_after: Duration = timedelta(hours=6)
    stream_session_check_seconds: float = 2.0
    # How long a process may answer from its cached copy of a session (0: never cache).
    session_cache_seconds: float = Field(default=30.0, ge=0)
    # Webhook acknowledgements wait this long for others to share their commit (group commit).
    webhook_commit_window_seconds: float = Field(default=0.002, ge=0)
    # How often expired sessions and spent rate-limit windows are deleted.
    housekeeping_interval_seconds: float = Field(default=300.0, gt=0)
    # SQLite: how often the WAL is checkpointed in the background (see Database.checkpoint).
    sqlite_checkpoint_interval_seconds: float = Field(default=1.0, gt=0)

    @field_validator("trusted_origins", mode="before")
    @classmethod
    def _csv_origins(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("stripe_webhook_secrets", mode="before")
    @classmethod
    def _csv_secrets(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("database_url")
    @classmethod
    def _supported_driver(cls, value: str) -> str:
        # The two drivers Gangway runs on (and core.db hands statements to directly).
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must be sqlite+aiosqlite:///path or postgresql+asyncpg://user:pass@host/db"
            )
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL, e.g. https://app.example.com")
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query or fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _live_mode_needs_https(self) -> Settings:
        if self.stripe_live_mode and not self.public_base_url.startswith("https://"):
            raise ValueError(
                "GANGWAY_STRIPE_API_KEY is a live-mode key but GANGWAY_PUBLIC_BASE_URL is not "
                "HTTPS: Stripe would send merchants back over plain HTTP. Refusing to start; "
                "set GANGWAY_PUBLIC_BASE_URL to your https:// address."
            )
        return self

    @model_validator(mode="after")
    def _publishable_key_fits(self) -> Settings:
        key = self.stripe_publishable_key
        if key is not None:
            expected = "pk_live_" if self.stripe_live_mode else "pk_test_"
            if not key.startswith(expected):
                mode = "a live-mode" if self.stripe_live_mode else "a test-mode (or no)"
                raise ValueError(
                    f"GANGWAY_STRIPE_PUBLISHABLE_KEY must start with {expected}: "
                    f"GANGWAY_STRIPE_API_KEY is {mode} key, and the two must be of one mode. "
                    "Refusing to start."
                )
        elif self.platform_needs_embedded and not self.stripe_emulated:
            raise ValueError(
                "Embedded onboarding is in use (GANGWAY_ONBOARDING_SURFACE, or accounts with no "
                "dashboard for which Stripe is liable for losses) but "
                "GANGWAY_STRIPE_PUBLISHABLE_KEY is not set. Refusing to start."
            )
        if self.onboarding_surface == "hosted" and self.new_accounts_need_embedded:
            raise ValueError(
                "GANGWAY_ONBOARDING_SURFACE is hosted, but new accounts (no dashboard, Stripe "
                "liable for losses) must use embedded components to update their information. "
                "Use auto or embedded. Refusing to start."
            )
        return self

    @property
    def new_accounts_need_embedded(self) -> bool:
        """Accounts this platform creates have no Stripe dashboard and Stripe is liable for
        their losses: Stripe requires embedded components for them."""
        return self.account_dashboard == "none" and self.losses_collector == "stripe"

    @property
    def platform_needs_embedded(self) -> bool:
        """Whether any merchant of a fresh platform gets embedded components (so a
        publishable key is needed)."""
        return self.onboarding_surface == "embedded" or (
            self.onboarding_surface == "auto" and self.new_accounts_need_embedded
        )

    @property
    def stripe_emulated(self) -> bool:
        """Gangway talks to the emulator: no key, or a test key with an API base that is not
        Stripe's."""
        if self.uses_emulator:
            return True
        if self.stripe_live_mode or self.stripe_api_base is None:
            return False
        return urlsplit(self.stripe_api_base).hostname != STRIPE_API_HOST

    @property
    def publishable_key(self) -> str | None:
        """The publishable key the SPA gets; the emulator's own when none is set there."""
        if self.stripe_publishable_key:
            return self.stripe_publishable_key
        return EMULATOR_PUBLISHABLE_KEY if self.stripe_emulated else None

    @property
    def stripe_api_origin(self) -> str:
        """``scheme://host[:port]`` Gangway calls Stripe (or the emulator) at."""
        parts = urlsplit(self.stripe_api_base or EMULATOR_API_BASE)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def connect_js_url(self) -> str | None:
        """The emulator's Connect.js stand-in; None with real Stripe (the SPA's npm loader
        fetches Stripe's own script)."""
        if not self.stripe_emulated:
            return None
        base = (self.stripe_api_base or EMULATOR_API_BASE).rstrip("/")
        return f"{base}/connect-js/v1.js"

    @property
    def stripe_live_mode(self) -> bool:
        """True for a live secret or restricted key."""
        key = self.stripe_api_key.get_secret_value() if self.stripe_api_key else ""
        return key.startswith(("sk_live_", "rk_live_"))

    @property
    def uses_emulator(self) -> bool:
        """With no Stripe key configured, Gangway talks to the bundled emulator."""
        return self.stripe_api_key is None

    @property
    def secure_cookies(self) -> bool:
        """HTTPS deployments get ``Secure`` cookies with the ``__Host-`` prefix."""
        return self.public_base_url.startswith("https://")

    @property
    def public_origin(self) -> str:
        """``scheme://host[:port]`` of the public base URL, for Origin checks."""
        parts = urlsplit(self.public_base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def session_cookie_name(self) -> str:
        return "__Host-gangway_session" if self.secure_cookies else "gangway_session"

    @property
    def csrf_cookie_name(self) -> str:
        """Holds the pre-sign-in CSRF token (no server-side row for anonymous visitors)."""
        return "__Host-gangway_csrf" if self.secure_cookies else "gangway_csrf"

    def public_url(self, path: str) -> str:
        """An absolute URL on our public base URL; never built from the request's Host."""
        return f"{self.public_base_url}{path}"
