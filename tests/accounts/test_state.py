"""The onboarding state rules (``gangway.accounts.state``), as a table: no server, no database.

Each row is a set of current requirements, the capabilities and whether onboarding started; the
expected state is the most urgent one that applies (past due, then due now, then Stripe's review,
then the card capability).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gangway.accounts.state import OnboardingState, RequirementFacts, derive_state

S = OnboardingState


def req(
    deadline: str = "currently_due", who: str = "user", *, errors: bool = False
) -> RequirementFacts:
    return RequirementFacts(deadline_status=deadline, awaiting_action_from=who, has_errors=errors)


ACTIVE = {"card_payments": "active", "payouts": "active"}
PENDING = {"card_payments": "pending", "payouts": "pending"}
RESTRICTED = {"card_payments": "restricted", "payouts": "restricted"}

CASES = [
    # --- past due (from the merchant): the most urgent, whatever else holds
    pytest.param([req("past_due")], {}, True, S.past_due, id="past-due"),
    pytest.param([req("past_due")], {}, False, S.past_due, id="past-due-before-onboarding-started"),
    pytest.param([req("past_due")], ACTIVE, True, S.past_due, id="past-due-beats-active-card"),
    pytest.param(
        [req("eventually_due", errors=True), req("currently_due"), req("past_due")],
        {},
        True,
        S.past_due,
        id="past-due-beats-currently-due-and-errors",
    ),
    pytest.param(
        [req("currently_due", "stripe"), req("past_due")],
        PENDING,
        True,
        S.past_due,
        id="past-due-beats-stripe-review",
    ),
    pytest.param(
        [req("past_due", "stripe")],
        {},
        True,
        S.pending_verification,
        id="past-due-awaiting-stripe-is-not-the-merchants",
    ),
    # --- due now (currently due, or any error) from the merchant
    pytest.param([req("currently_due")], {}, True, S.action_required, id="currently-due-started"),
    pytest.param([req("currently_due")], {}, False, S.not_started, id="currently-due-not-started"),
    pytest.param(
        [req("eventually_due", errors=True)],
        {},
        True,
        S.action_required,
        id="eventually-due-with-error-is-due-now",
    ),
    pytest.param(
        [req("eventually_due", errors=True)],
        ACTIVE,
        False,
        S.not_started,
        id="eventually-due-with-error-not-started",
    ),
    pytest.param(
        [req("currently_due")],
        ACTIVE,
        True,
        S.action_required,
        id="currently-due-beats-active-card",
    ),
    pytest.param(
        [req("eventually_due", "stripe"), req("currently_due")],
        {},
        True,
        S.action_required,
        id="currently-due-beats-stripe-review",
    ),
    pytest.param(
        [req("currently_due", "platform")],
        {},
        True,
        S.action_required,
        id="anyone-but-stripe-counts-as-the-merchant",
    ),
    # --- Stripe is reviewing something
    pytest.param(
        [req("currently_due", "stripe")],
        {},
        True,
        S.pending_verification,
        id="currently-due-awaiting-stripe",
    ),
    pytest.param(
        [req("currently_due", "stripe", errors=True)],
        {},
        True,
        S.pending_verification,
        id="errors-awaiting-stripe-are-not-due-now",
    ),
    pytest.param(
        [req("eventually_due", "stripe")],
        ACTIVE,
        True,
        S.pending_verification,
        id="stripe-review-beats-active-card",
    ),
    pytest.param(
        [req("eventually_due", "stripe")],
        {},
        False,
        S.pending_verification,
        id="stripe-review-before-onboarding-started",
    ),
    # --- nothing due now: the card capability decides
    pytest.param([], ACTIVE, True, S.complete, id="nothing-due-card-active"),
    pytest.param([], ACTIVE, False, S.complete, id="nothing-due-card-active-never-started"),
    pytest.param(
        [req("eventually_due")], ACTIVE, True, S.complete, id="eventually-due-only-card-active"
    ),
    pytest.param(
        [req("eventually_due")],
        ACTIVE,
        False,
        S.complete,
        id="card-active-beats-not-started",
    ),
    pytest.param([], PENDING, True, S.pending_verification, id="nothing-due-card-pending"),
    pytest.param(
        [req("eventually_due")],
        PENDING,
        False,
        S.pending_verification,
        id="card-pending-beats-not-started",
    ),
    pytest.param(
        [req("eventually_due")], {}, False, S.not_started, id="eventually-due-only-not-started"
    ),
    pytest.param(
        [req("eventually_due")],
        RESTRICTED,
        False,
        S.not_started,
        id="eventually-due-card-restricted-not-started",
    ),
    pytest.param([req("eventually_due")], {}, True, S.restricted, id="eventually-due-only-started"),
    pytest.param([], RESTRICTED, True, S.restricted, id="nothing-due-card-restricted"),
    pytest.param([], RESTRICTED, False, S.restricted, id="nothing-due-not-started-is-restricted"),
    pytest.param([], {}, True, S.restricted, id="no-capabilities-yet"),
    pytest.param([], {"payouts": "active"}, True, S.restricted, id="payouts-alone-do-not-complete"),
    pytest.param(
        [], {"card_payments": "inactive"}, True, S.restricted, id="card-in-an-unknown-status"
    ),
]


@pytest.mark.parametrize(("requirements", "capabilities", "started", "expected"), CASES)
def test_derive_state(
    requirements: list[RequirementFacts],
    capabilities: dict[str, str],
    started: bool,
    expected: OnboardingState,
) -> None:
    assert derive_state(requirements, capabilities, onboarding_started=started) == expected


def test_the_table_reaches_every_derivable_state() -> None:
    """Every state but ``no_account`` (which needs an account to be absent) is derived."""
    reached = {case.values[3] for case in CASES}
    assert reached == set(OnboardingState) - {OnboardingState.no_account}


def test_requirements_may_be_any_iterable_read_once() -> None:
    """The sync passes a generator; the rules read it once and still see every entry."""

    def facts() -> Iterator[RequirementFacts]:
        yield req("eventually_due", "stripe")
        yield req("past_due")

    assert derive_state(facts(), ACTIVE, onboarding_started=True) == OnboardingState.past_due


@pytest.mark.parametrize("state", list(OnboardingState))
def test_states_are_their_wire_names(state: OnboardingState) -> None:
    """The state is stored and served as its name (the SPA and the database rely on it)."""
    assert state == state.name
    assert OnboardingState(state.value) is state
