"""Where a merchant's onboarding stands, derived from what Stripe reports and what we know.

Pure functions, no I/O: the sync stores the verdict (so it can be queried) and the status API
shows it. The rules follow Stripe's real behaviour (``shared/stripe/NOTES.md``):

- A brand-new v2 account reports every requirement ``past_due`` and its capabilities
  ``restricted`` / ``requirements_past_due``. Stripe's ``past_due`` alone cannot tell "never
  started" from "overdue", so the verdict also uses what Gangway knows itself: information was
  submitted (a return from Stripe) or a capability was once active.
- ``status_details[].resolution`` says what can help: ``provide_info`` (a link),
  ``contact_stripe`` (no link helps) or ``no_resolution`` (terminal: rejected or unsupported).
- ``closed: true`` is terminal whatever the capabilities say.
- Entries ``awaiting_action_from: stripe`` are Stripe's to review, never due from the merchant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class OnboardingState(StrEnum):
    """The merchant's situation, named for the merchant."""

    no_account = "no_account"
    not_started = "not_started"
    action_required = "action_required"
    pending_verification = "pending_verification"
    past_due = "past_due"
    restricted = "restricted"
    rejected = "rejected"
    closed = "closed"
    complete = "complete"
    complete_with_upcoming = "complete_with_upcoming"


TERMINAL_STATES = frozenset({OnboardingState.rejected, OnboardingState.closed})
# status_details codes that mean Stripe is working on it.
STRIPE_WORKING = frozenset({"determining_status", "requirements_pending_verification"})


@dataclass(frozen=True)
class RequirementFacts:
    """What the rules need to know about one current requirement."""

    deadline_status: str
    awaiting_action_from: str
    has_errors: bool


@dataclass(frozen=True)
class CapabilityFacts:
    """One capability: its status and Stripe's ``status_details`` as (code, resolution)."""

    name: str
    status: str
    details: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class AccountFacts:
    requirements: tuple[RequirementFacts, ...] = ()
    capabilities: tuple[CapabilityFacts, ...] = ()
    has_future_requirements: bool = False
    closed: bool = False
    # Gangway's own knowledge: the merchant came back from Stripe, or was once enabled.
    submitted: bool = False
    once_active: bool = False


@dataclass(frozen=True)
class Verdict:
    state: OnboardingState
    reason_code: str | None = None
    reason_resolution: str | None = None


def derive_state(facts: AccountFacts) -> Verdict:
    """The single word for where onboarding stands. Order matters: the most final wins."""
    if facts.closed:
        return Verdict(OnboardingState.closed)
    if terminal := _first_detail(facts, statuses={"rejected", "unsupported"}):
        return Verdict(OnboardingState.rejected, terminal[0], terminal[1] or "no_resolution")
    if contact := _first_detail(facts, resolutions={"contact_stripe"}):
        return Verdict(OnboardingState.restricted, contact[0], contact[1])
    from_user = [r for r in facts.requirements if r.awaiting_action_from != "stripe"]
    if from_user and not started(facts):
        return Verdict(OnboardingState.not_started)
    if any(r.deadline_status == "past_due" for r in from_user):
        return Verdict(OnboardingState.past_due, *_reason(facts, "requirements_past_due"))
    if any(r.deadline_status == "currently_due" or r.has_errors for r in from_user):
        return Verdict(OnboardingState.action_required)
    if _stripe_is_working(facts):
        return Verdict(OnboardingState.pending_verification)
    card = next((c for c in facts.capabilities if c.name == "card_payments"), None)
    if card is not None and card.status == "active":
        if facts.has_future_requirements:
            return Verdict(OnboardingState.complete_with_upcoming)
        return Verdict(OnboardingState.complete)
    if not started(facts):
        return Verdict(OnboardingState.not_started)
    return Verdict(OnboardingState.restricted, *_reason(facts, None))


def started(facts: AccountFacts) -> bool:
    """Has the merchant ever given Stripe anything? Stripe's v2 API does not say directly."""
    return (
        facts.submitted
        or facts.once_active
        or any(r.awaiting_action_from == "stripe" for r in facts.requirements)
        or any(c.status in {"active", "pending"} for c in facts.capabilities)
    )


def _stripe_is_working(facts: AccountFacts) -> bool:
    return (
        any(r.awaiting_action_from == "stripe" for r in facts.requirements)
        or any(c.status == "pending" for c in facts.capabilities)
        or any(code in STRIPE_WORKING for c in facts.capabilities for code, _ in c.details)
    )


def _first_detail(
    facts: AccountFacts,
    *,
    statuses: Iterable[str] | None = None,
    resolutions: Iterable[str] | None = None,
) -> tuple[str, str | None] | None:
    """The first (code, resolution) of a capability matching ``statuses`` or ``resolutions``."""
    wanted_statuses = set(statuses or ())
    wanted_resolutions = set(resolutions or ())
    for cap in facts.capabilities:
        if cap.status in wanted_statuses:
            return cap.details[0] if cap.details else (cap.status, "no_resolution")
        for code, resolution in cap.details:
            if resolution in wanted_resolutions:
                return code, resolution
    return None


def _reason(facts: AccountFacts, prefer: str | None) -> tuple[str | None, str | None]:
    """Stripe's reason for a restriction: ``prefer``'s code if reported, else the first one."""
    details = [d for c in facts.capabilities if c.status == "restricted" for d in c.details]
    for code, resolution in details:
        if code == prefer:
            return code, resolution
    return details[0] if details else (None, None)
