"""Emulator configuration (CLI flags and ``STRIPE_EMULATOR_*`` environment variables)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The API version pinned by stripe-python 16.1.0; used when a request sends no Stripe-Version.
DEFAULT_API_VERSION = "2026-10-28.endive"
#: From this version on, ``configurations`` is gone from account_links' use_case options.
CONFIGURATIONS_REMOVED_IN = "2026-09-30.endive"
#: ``fresh_accounts`` values: how a new account reports requirements nobody has submitted yet.
#: ``past_due`` is what Stripe reports (every entry past due, capabilities restricted);
#: ``currently_due`` is the emulator's older model (due in ``currently_due_window``, pending).
FRESH_ACCOUNT_SHAPES = ("past_due", "currently_due")


@dataclass
class EmulatorConfig:
    """Everything that tunes the emulator. All durations are in seconds."""

    host: str = "127.0.0.1"
    port: int = 12111
    #: Base URL the emulator is reachable at (used in Account Link URLs).
    #: Defaults to ``http://{host}:{port}``.
    public_url: str | None = None
    #: Optional JSON file holding the state; loaded at start, written after every change.
    state_file: str | None = None
    #: Pre-register a thin-payload webhook event destination at start.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    #: Lifetime of an Account Link.
    link_ttl: float = 300.0
    #: How long "Stripe verification" takes for entries that need it.
    verification_delay: float = 2.0
    #: Time between account creation (or a re-opened entry) and a currently_due deadline.
    currently_due_window: float = 14 * 24 * 3600.0
    #: Default lead time of future requirements added by the scenario control.
    future_requirements_lead: float = 30 * 24 * 3600.0
    #: Webhook delivery: per-attempt timeout, first retry delay (doubles each attempt),
    #: attempts before giving up.
    delivery_timeout: float = 5.0
    delivery_backoff: float = 1.0
    delivery_max_attempts: int = 6
    #: How often the background ticker settles time-driven transitions.
    tick_interval: float = 0.25
    default_api_version: str = DEFAULT_API_VERSION
    #: Extra event types the pre-registered destination listens to (all account types by default).
    webhook_events: list[str] = field(default_factory=list)
    #: How accounts created from now on look before information is submitted: ``past_due``
    #: (Stripe's shape) or ``currently_due`` (the older model). See FRESH_ACCOUNT_SHAPES.
    fresh_accounts: str = "past_due"

    def __post_init__(self) -> None:
        if self.fresh_accounts not in FRESH_ACCOUNT_SHAPES:
            raise ValueError(f"fresh_accounts must be one of {', '.join(FRESH_ACCOUNT_SHAPES)}")

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"
