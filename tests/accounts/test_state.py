"""The state rules of ``gangway.accounts.state`` as a table over account facts in Stripe's real
shapes (shared/stripe/NOTES.md, "What real Stripe reports..."). Pure: no server, no database."""

from __future__ import annotations

import pytest

from gangway.accounts.state import (
    AccountFacts,
    CapabilityFacts,
    OnboardingState,
    RequirementFacts,
    Verdict,
    derive_state,
)

S = OnboardingState


def req(status: str = "currently_due", who: str = "user", errors: bool = False) -> RequirementFacts:
    return RequirementFacts(status, who, errors)


def cap(
    status: str, code: str | None = None, resolution: str | None = None, name: str = "card_payments"
) -> CapabilityFacts:
    return CapabilityFacts(name, status, ((code, resolution),) if code else ())


# Stripe's shape of a brand-new account: every entry past_due, every capability restricted
# with requirements_past_due / provide_info.
FRESH_REQS = (req("past_due"), req("past_due"), req("eventually_due"))
FRESH_CAPS = (
    cap("restricted", "requirements_past_due", "provide_info"),
    cap("restricted", "requirements_past_due", "provide_info", name="payouts"),
)
ACTIVE = (cap("active"), cap("active", name="payouts"))

CASES = [
    # --- never started, whatever Stripe's past_due says
    pytest.param(AccountFacts(FRESH_REQS, FRESH_CAPS), Verdict(S.not_started), id="fresh"),
    pytest.param(AccountFacts(), Verdict(S.not_started), id="nothing-reported-yet"),
    pytest.param(
        AccountFacts((req("eventually_due"),), (cap("restricted"),)),
        Verdict(S.not_started),
        id="fresh-eventually-due-only",
    ),
    # --- overdue only once the merchant submitted or was enabled
    pytest.param(
        AccountFacts(FRESH_REQS, FRESH_CAPS, submitted=True),
        Verdict(S.past_due, "requirements_past_due", "provide_info"),
        id="returned-still-past-due",
    ),
    pytest.param(
        AccountFacts((req("past_due"),), FRESH_CAPS, once_active=True),
        Verdict(S.past_due, "requirements_past_due", "provide_info"),
        id="was-active-now-past-due",
    ),
    # --- information needed
    pytest.param(
        AccountFacts((req("currently_due"),), (cap("restricted"),), submitted=True),
        Verdict(S.action_required),
        id="currently-due-after-return",
    ),
    pytest.param(
        AccountFacts((req("eventually_due", errors=True),), ACTIVE),
        Verdict(S.action_required),
        id="verification-error-on-active-account",
    ),
    # --- Stripe reviewing: awaiting_action_from stripe is never due
    pytest.param(
        AccountFacts((req("past_due", who="stripe"),), FRESH_CAPS),
        Verdict(S.pending_verification),
        id="reviewing-is-not-due",
    ),
    pytest.param(
        AccountFacts((), (cap("pending"),)),
        Verdict(S.pending_verification),
        id="capability-pending",
    ),
    pytest.param(
        AccountFacts((), (cap("restricted", "determining_status", None),), submitted=True),
        Verdict(S.pending_verification),
        id="determining-status",
    ),
    pytest.param(
        AccountFacts(
            (), (cap("restricted", "requirements_pending_verification", None),), submitted=True
        ),
        Verdict(S.pending_verification),
        id="requirements-pending-verification",
    ),
    # --- complete, and complete with upcoming requirements
    pytest.param(AccountFacts((), ACTIVE), Verdict(S.complete), id="complete"),
    pytest.param(
        AccountFacts((req("eventually_due"),), ACTIVE),
        Verdict(S.complete),
        id="complete-with-eventually-due",
    ),
    pytest.param(
        AccountFacts((), ACTIVE, has_future_requirements=True),
        Verdict(S.complete_with_upcoming),
        id="complete-with-upcoming",
    ),
    # --- restricted, with its reason
    pytest.param(
        AccountFacts((), (cap("restricted", "restricted_other", "provide_info"),), submitted=True),
        Verdict(S.restricted, "restricted_other", "provide_info"),
        id="restricted-provide-info",
    ),
    pytest.param(
        AccountFacts(FRESH_REQS, (cap("restricted", "restricted_other", "contact_stripe"),)),
        Verdict(S.restricted, "restricted_other", "contact_stripe"),
        id="contact-stripe-beats-not-started",
    ),
    pytest.param(
        AccountFacts((), (cap("active"), cap("restricted", name="payouts")), submitted=True),
        Verdict(S.complete),
        id="card-active-payouts-restricted-nothing-due",
    ),
    # --- terminal: rejected or unsupported, every no_resolution code
    *[
        pytest.param(
            AccountFacts(FRESH_REQS, (cap("rejected", code, "no_resolution"),)),
            Verdict(S.rejected, code, "no_resolution"),
            id=code,
        )
        for code in [
            "rejected_fraud",
            "rejected_incomplete_verification",
            "rejected_listed",
            "rejected_other",
            "rejected_platform_fraud",
            "rejected_platform_other",
            "rejected_platform_terms_of_service",
            "rejected_terms_of_service",
        ]
    ],
    *[
        pytest.param(
            AccountFacts((), (cap("unsupported", code, "no_resolution"),), once_active=True),
            Verdict(S.rejected, code, "no_resolution"),
            id=code,
        )
        for code in ["unsupported_business", "unsupported_country", "unsupported_entity_type"]
    ],
    pytest.param(
        AccountFacts((), (cap("rejected"),)),
        Verdict(S.rejected, "rejected", "no_resolution"),
        id="rejected-without-details",
    ),
    # --- closed is final, whatever the capabilities say
    pytest.param(AccountFacts((), ACTIVE, closed=True), Verdict(S.closed), id="closed-active"),
    pytest.param(
        AccountFacts(
            FRESH_REQS, (cap("rejected", "rejected_fraud", "no_resolution"),), closed=True
        ),
        Verdict(S.closed),
        id="closed-beats-rejected",
    ),
]


@pytest.mark.parametrize(("facts", "expected"), CASES)
def test_derive_state(facts: AccountFacts, expected: Verdict) -> None:
    assert derive_state(facts) == expected


def test_the_table_reaches_every_state_but_no_account() -> None:
    reached = {case.values[1].state for case in CASES}  # type: ignore[union-attr]
    assert reached == set(OnboardingState) - {OnboardingState.no_account}


@pytest.mark.parametrize("state", list(OnboardingState))
def test_each_state_value_is_its_name(state: OnboardingState) -> None:
    assert state.value == state.name
