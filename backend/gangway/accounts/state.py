"""The overall onboarding state, derived from the cached requirements and capabilities.

Pure functions, no I/O: the same rules serve the sync (which stores the state so it can be
queried) and the status API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class OnboardingState(StrEnum):
    no_account = "no_account"
    not_started = "not_started"
    action_required = "action_required"
    past_due = "past_due"
    pending_verification = "pending_verification"
    restricted = "restricted"
    complete = "complete"


@dataclass(frozen=True)
class RequirementFacts:
    """What the state rules need to know about one current requirement."""

    deadline_status: str
    awaiting_action_from: str
    has_errors: bool


def derive_state(
    requirements: Iterable[RequirementFacts],
    capabilities: dict[str, str],
    *,
    onboarding_started: bool,
) -> OnboardingState:
    """The single word for where onboarding stands. Order matters: the most urgent wins."""
    current = list(requirements)
    from_user = [r for r in current if r.awaiting_action_from != "stripe"]
    if any(r.deadline_status == "past_due" for r in from_user):
        return OnboardingState.past_due
    due_now = [r for r in from_user if r.deadline_status == "currently_due" or r.has_errors]
    if due_now:
        return (
            OnboardingState.action_required if onboarding_started else OnboardingState.not_started
        )
    if any(r.awaiting_action_from == "stripe" for r in current):
        return OnboardingState.pending_verification
    card = capabilities.get("card_payments")
    if card == "active":
        return OnboardingState.complete
    if card == "pending":
        return OnboardingState.pending_verification
    if not onboarding_started and from_user:
        return OnboardingState.not_started
    return OnboardingState.restricted
