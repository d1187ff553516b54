"""The status rules of ``gangway.onboarding.status`` as tables: which call to action each state
gets, and where each cached row lands in the status. Pure functions: no server, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.accounts.state import OnboardingState
from gangway.core.config import Settings
from gangway.onboarding.status import build_status, empty_status, next_action

S = OnboardingState
DEFAULTS: dict[str, Any] = {}
#: The platform's link defaults turned the other way: incremental, future requirements included.
INCREMENTAL = {"default_collect": "currently_due", "default_future_requirements": "include"}


def _settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


def _account(
    state: str = "not_started", collector: str = "application", **kw: Any
) -> ConnectedAccount:
    return ConnectedAccount(
        id=1,
        merchant_id="m-1",
        stripe_account_id="acct_1",
        country="US",
        dashboard="none" if collector == "application" else "express",
        requirements_collector=collector,
        state=state,
        **kw,
    )


def _requirement(
    description: str, kind: str = "current", deadline: str = "currently_due", who: str = "user"
) -> AccountRequirement:
    return AccountRequirement(
        account_id=1,
        kind=kind,
        description=description,
        deadline_status=deadline,
        awaiting_action_from=who,
        errors=[],
        restricts_capabilities=[],
    )


# --- next_action: (state, who collects requirements, future requirements?, settings) -> action

START = ("start", "account_onboarding")
CONTINUE = ("continue", "account_onboarding")
FIX = ("fix_past_due", "account_onboarding", "currently_due", "omit")
UPDATE = ("update", "account_update", "eventually_due", "omit")
REVIEW_FUTURE = ("review_future", "account_update", "eventually_due", "include")
CONTINUE_ALL = ("continue", "account_onboarding", "eventually_due", "omit")

NEXT_ACTIONS = [
    # Not started / action required: onboarding, with the platform's link defaults.
    pytest.param(S.not_started, "application", False, DEFAULTS, (*START, "eventually_due", "omit")),
    pytest.param(
        S.not_started, "application", False, INCREMENTAL, (*START, "currently_due", "include")
    ),
    pytest.param(S.not_started, "stripe", True, DEFAULTS, (*START, "eventually_due", "omit")),
    pytest.param(
        S.action_required, "application", False, DEFAULTS, (*CONTINUE, "eventually_due", "omit")
    ),
    pytest.param(
        S.action_required,
        "application",
        True,
        INCREMENTAL,
        (*CONTINUE, "currently_due", "include"),
    ),
    pytest.param(
        S.action_required, "stripe", False, DEFAULTS, (*CONTINUE, "eventually_due", "omit")
    ),
    # Past due: only what is overdue, whatever the defaults and whoever collects.
    pytest.param(S.past_due, "application", False, DEFAULTS, FIX),
    pytest.param(S.past_due, "application", True, INCREMENTAL, FIX),
    pytest.param(S.past_due, "stripe", True, DEFAULTS, FIX),
    # Complete / restricted, platform collects: an update link, reviewing future requirements
    # when there are some.
    pytest.param(S.complete, "application", False, DEFAULTS, UPDATE),
    pytest.param(S.complete, "application", True, DEFAULTS, REVIEW_FUTURE),
    pytest.param(S.complete, "application", True, INCREMENTAL, REVIEW_FUTURE),
    pytest.param(S.restricted, "application", False, DEFAULTS, UPDATE),
    pytest.param(S.restricted, "application", True, DEFAULTS, REVIEW_FUTURE),
    # Stripe collects (no account_update links): complete needs nothing; restricted continues
    # onboarding for everything.
    pytest.param(S.complete, "stripe", False, DEFAULTS, None),
    pytest.param(S.complete, "stripe", True, DEFAULTS, None),
    pytest.param(S.restricted, "stripe", False, DEFAULTS, CONTINUE_ALL),
    pytest.param(S.restricted, "stripe", True, INCREMENTAL, CONTINUE_ALL),
    # Complete with upcoming requirements: platform-collected accounts review them with an
    # update link; Stripe-collected ones have nothing to do through us until something is due.
    pytest.param(S.complete_with_upcoming, "application", True, DEFAULTS, REVIEW_FUTURE),
    pytest.param(S.complete_with_upcoming, "stripe", True, DEFAULTS, None),
    # Terminal: no link can help.
    pytest.param(S.rejected, "application", False, DEFAULTS, None),
    pytest.param(S.rejected, "stripe", True, DEFAULTS, None),
    pytest.param(S.closed, "application", True, DEFAULTS, None),
    # Waiting on Stripe, or no account: nothing to do.
    pytest.param(S.pending_verification, "application", True, DEFAULTS, None),
    pytest.param(S.pending_verification, "stripe", False, DEFAULTS, None),
    pytest.param(S.no_account, "application", False, DEFAULTS, None),
]


@pytest.mark.parametrize(
    ("state", "collector", "has_future", "overrides", "expected"), NEXT_ACTIONS
)
def test_next_action(
    state: OnboardingState,
    collector: str,
    has_future: bool,
    overrides: dict[str, Any],
    expected: tuple[str, str, str, str] | None,
) -> None:
    rows = [_requirement("f", "future")] if has_future else []
    action = next_action(state, _account(state.value, collector), rows, _settings(**overrides))
    if expected is None:
        assert action is None
    else:
        assert action is not None
        assert (action.kind, action.use_case, action.collect, action.future_requirements) == (
            expected
        )


def test_the_next_action_table_covers_every_state() -> None:
    assert {case.values[0] for case in NEXT_ACTIONS} == set(OnboardingState)


# --- build_status: where each cached row lands


@pytest.mark.parametrize(
    ("kind", "deadline", "group"),
    [
        ("current", "past_due", "past_due"),
        ("current", "currently_due", "currently_due"),
        ("current", "eventually_due", "eventually_due"),
        ("future", "currently_due", "future"),
        ("future", "eventually_due", "future"),
    ],
)
def test_a_requirement_lands_in_its_group(kind: str, deadline: str, group: str) -> None:
    status = build_status(
        _account("action_required"), [_requirement("x.y", kind, deadline)], [], _settings()
    ).model_dump()
    groups = {
        "future": status["future_requirements"],
        **status["requirements"],
    }
    assert {name: [r["description"] for r in rows] for name, rows in groups.items()} == {
        name: ["x.y"] if name == group else [] for name in groups
    }


@pytest.mark.parametrize(
    ("stored", "served", "group"),
    [
        ("user", "user", "currently_due"),
        # Items Stripe is reviewing are never counted as due.
        ("stripe", "stripe", "awaiting_stripe"),
        ("platform", "user", "currently_due"),
    ],
)
def test_awaiting_action_from_is_user_or_stripe(stored: str, served: str, group: str) -> None:
    status = build_status(_account(), [_requirement("x.y", who=stored)], [], _settings())
    groups = status.requirements.model_dump()
    (requirement,) = groups[group]
    assert requirement["awaiting_action_from"] == served
    assert sum(len(rows) for rows in groups.values()) == 1


def test_a_never_started_merchant_is_not_told_they_are_overdue() -> None:
    rows = [_requirement("identity.individual.email", deadline="past_due")]
    status = build_status(_account("not_started"), rows, [], _settings())
    assert status.requirements.past_due == []
    assert [r.deadline_status for r in status.requirements.currently_due] == ["currently_due"]
    assert status.next_action is not None
    assert status.next_action.collect == "eventually_due"  # the platform's default


@pytest.mark.parametrize(
    ("state", "reason", "resolution"),
    [
        (S.rejected, "rejected_fraud", "no_resolution"),
        (S.rejected, "unsupported_business", "no_resolution"),
        (S.restricted, "restricted_other", "contact_stripe"),
        (S.closed, None, None),
    ],
)
def test_no_link_can_help_shows_the_reason_and_support(
    state: OnboardingState, reason: str | None, resolution: str | None
) -> None:
    account = _account(state.value, reason_code=reason, reason_resolution=resolution)
    settings = _settings(support_email="help@platform.example")
    status = build_status(account, [_requirement("x.y")], [], settings)
    assert status.next_action is None
    assert status.support is not None
    assert status.support.email == "help@platform.example"
    assert "help@platform.example" in status.detail
    assert (status.reason.code if status.reason else None) == reason
    if status.reason:
        assert status.reason.message and "_" not in status.reason.message


def test_past_due_copy_names_what_is_paused() -> None:
    caps = [
        AccountCapability(account_id=1, name="card_payments", status="restricted"),
        AccountCapability(account_id=1, name="payouts", status="active"),
    ]
    status = build_status(_account("past_due"), [], caps, _settings())
    assert "Card payments is paused" in status.detail


def test_upcoming_requirements_carry_their_date() -> None:
    when = datetime(2027, 3, 12, tzinfo=UTC)
    account = _account("complete_with_upcoming", upcoming_deadline=when)
    status = build_status(account, [_requirement("f", "future")], [], _settings())
    assert status.upcoming_deadline == when


@pytest.mark.parametrize(
    ("name", "stored", "served"),
    [
        ("card_payments", "active", "active"),
        ("card_payments", "pending", "pending"),
        ("payouts", "restricted", "restricted"),
        ("payouts", "unsupported", "unsupported"),
        ("card_payments", "rejected", "rejected"),
        ("card_payments", "inactive", "pending"),  # a status we don't know reads as pending
        ("transfers", "active", None),  # only card payments and payouts are shown
        ("stripe_balance.payouts", "active", None),
    ],
)
def test_capabilities_shown_and_their_status(name: str, stored: str, served: str | None) -> None:
    capability = AccountCapability(account_id=1, name=name, status=stored)
    status = build_status(_account(), [], [capability], _settings())
    assert [(c.name, c.status) for c in status.capabilities] == (
        [] if served is None else [(name, served)]
    )


@pytest.mark.parametrize(
    ("state", "collector", "rows", "kind"),
    [
        (S.complete, "application", [], "update"),
        (S.complete, "application", [_requirement("f", "future")], "review_future"),
        (S.complete, "application", [_requirement("c", "current", "eventually_due")], "update"),
        (S.action_required, "application", [_requirement("c")], "continue"),
        (S.complete, "stripe", [_requirement("f", "future")], None),
        # Stripe collects: anything due sends the merchant back through onboarding, never
        # through account_update.
        (S.complete, "stripe", [_requirement("c", "current", "eventually_due")], "continue"),
    ],
)
def test_status_state_and_next_action_follow_the_account_and_its_future_rows(
    state: OnboardingState, collector: str, rows: list[AccountRequirement], kind: str | None
) -> None:
    status = build_status(_account(state.value, collector), rows, [], _settings())
    assert status.state == state
    assert (status.next_action.kind if status.next_action else None) == kind


def test_status_carries_the_accounts_version_sync_time_and_deadline() -> None:
    synced = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    account = _account(
        "action_required",
        status_version=7,
        synced_at=synced,
        minimum_deadline=synced + timedelta(days=14),
    )
    status = build_status(account, [], [], _settings())
    assert (status.version, status.synced_at, status.deadline) == (
        7,
        synced,
        synced + timedelta(days=14),
    )


def test_the_empty_status_has_no_account_and_nothing_to_do() -> None:
    status = empty_status()
    assert status.state == OnboardingState.no_account
    assert status.next_action is None
    assert status.requirements.model_dump() == {
        "past_due": [],
        "currently_due": [],
        "eventually_due": [],
        "awaiting_stripe": [],
    }
    assert (status.future_requirements, status.capabilities) == ([], [])
    assert (status.deadline, status.synced_at, status.version) == (None, None, 0)


# --- the surface: hosted links, or embedded components in the page


def _must_embed(state: str = "not_started", **kw: Any) -> ConnectedAccount:
    """No Stripe dashboard and Stripe liable for losses (unless ``kw`` says otherwise): Stripe
    collects the requirements, and embedded components are the only way such an account can
    update its information."""
    values: dict[str, Any] = {
        "dashboard": "none",
        "requirements_collector": "stripe",
        "losses_collector": "stripe",
        **kw,
    }
    return ConnectedAccount(
        id=1, merchant_id="m-1", stripe_account_id="acct_1", country="US", state=state, **values
    )


@pytest.mark.parametrize(
    ("dashboard", "losses", "setting", "surface"),
    [
        # auto: embedded exactly where Stripe requires it
        ("none", "stripe", "auto", "embedded"),
        ("none", "application", "auto", "hosted"),
        ("express", "stripe", "auto", "hosted"),
        ("full", "stripe", "auto", "hosted"),
        ("none", None, "auto", "hosted"),  # not synced yet: nothing says Stripe is liable
        # embedded: everywhere
        ("none", "application", "embedded", "embedded"),
        ("express", "stripe", "embedded", "embedded"),
        # hosted: nowhere (start-up refuses it when the platform creates must-embed accounts)
        ("none", "stripe", "hosted", "hosted"),
        ("none", "application", "hosted", "hosted"),
    ],
)
def test_the_surface_follows_the_setting_and_stripes_rule(
    dashboard: str, losses: str | None, setting: str, surface: str
) -> None:
    account = _must_embed(dashboard=dashboard, losses_collector=losses)
    status = build_status(account, [_requirement("c")], [], _settings(onboarding_surface=setting))
    assert status.surface == surface
    assert status.next_action is not None
    assert status.next_action.surface == surface
    assert (status.next_action.component is None) == (surface == "hosted")


E_START = ("start", "account_onboarding", "eventually_due", "omit", "account_onboarding")
E_CONTINUE = ("continue", "account_onboarding", "eventually_due", "omit", "account_onboarding")
E_FIX = ("fix_past_due", "account_onboarding", "currently_due", "omit", "account_onboarding")
E_MANAGE = ("update", "account_update", "eventually_due", "omit", "account_management")
E_UPDATE_DUE = ("update", "account_update", "eventually_due", "omit", "account_onboarding")
E_REVIEW = ("review_future", "account_update", "eventually_due", "include", "account_onboarding")
FUTURE = [_requirement("f", "future")]
DUE_LATER = [_requirement("c", "current", "eventually_due")]

EMBEDDED_ACTIONS = [
    pytest.param(S.not_started, [], E_START),
    pytest.param(S.action_required, [], E_CONTINUE),
    pytest.param(S.past_due, [], E_FIX),
    # Where a hosted Stripe-collected account has nothing (no account_update link, no
    # dashboard), the embedded one manages its information in the page: no dead end.
    pytest.param(S.complete, [], E_MANAGE),
    pytest.param(S.complete, FUTURE, E_REVIEW),
    pytest.param(S.complete_with_upcoming, FUTURE, E_REVIEW),
    pytest.param(S.complete, DUE_LATER, E_UPDATE_DUE),
    pytest.param(S.restricted, [], E_MANAGE),
    pytest.param(S.restricted, DUE_LATER, E_UPDATE_DUE),
    pytest.param(S.pending_verification, [], None),
    pytest.param(S.rejected, [], None),
    pytest.param(S.closed, [], None),
    pytest.param(S.no_account, [], None),
]


@pytest.mark.parametrize(("state", "rows", "expected"), EMBEDDED_ACTIONS)
def test_an_account_that_must_use_embedded_components_gets_embedded_actions(
    state: OnboardingState,
    rows: list[AccountRequirement],
    expected: tuple[str, str, str, str, str] | None,
) -> None:
    action = next_action(state, _must_embed(state.value), rows, _settings())
    if expected is None:
        assert action is None
        return
    assert action is not None
    assert action.surface == "embedded"
    assert (
        action.kind,
        action.use_case,
        action.collect,
        action.future_requirements,
        action.component,
    ) == expected


def test_the_embedded_table_covers_every_state() -> None:
    assert {case.values[0] for case in EMBEDDED_ACTIONS} == set(OnboardingState)


@pytest.mark.parametrize("state", [S.complete, S.complete_with_upcoming])
def test_the_hosted_surface_leaves_a_stripe_collected_account_nothing_when_nothing_is_due(
    state: OnboardingState,
) -> None:
    """The dead end embedded components remove: hosted, no link can update such an account."""
    rows = FUTURE if state == S.complete_with_upcoming else []
    assert (
        next_action(state, _must_embed(state.value), rows, _settings(onboarding_surface="hosted"))
        is None
    )


def test_embedded_for_every_account_when_the_platform_opts_in() -> None:
    settings = _settings(onboarding_surface="embedded")
    account = _account("complete")  # the platform collects; it could use links too
    action = next_action(S.complete, account, [], settings)
    assert action is not None
    assert (action.kind, action.surface, action.component) == (
        "update",
        "embedded",
        "account_management",
    )


def test_the_empty_status_says_what_new_accounts_get() -> None:
    assert empty_status().surface == "hosted"
    assert empty_status(_settings()).surface == "hosted"
    assert empty_status(_settings(onboarding_surface="embedded")).surface == "embedded"
    must_embed = _settings(losses_collector="stripe", fees_collector="stripe")
    assert empty_status(must_embed).surface == "embedded"
