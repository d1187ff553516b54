"""Build the onboarding status the SPA shows from the cached rows (pure; no I/O)."""

from __future__ import annotations

from typing import Literal, cast

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.accounts.state import OnboardingState
from gangway.core.config import Settings
from gangway.onboarding.labels import capability_label, error_message, requirement_label
from gangway.onboarding.schemas import (
    CapabilityPublic,
    NextAction,
    OnboardingStatus,
    RequirementErrorPublic,
    RequirementGroups,
    RequirementPublic,
)

_KNOWN_CAPABILITY_STATUSES = {"active", "pending", "restricted", "unsupported", "rejected"}


def empty_status() -> OnboardingStatus:
    """The status of a merchant with no connected account."""
    return OnboardingStatus(
        state=OnboardingState.no_account,
        next_action=None,
        requirements=RequirementGroups(past_due=[], currently_due=[], eventually_due=[]),
        future_requirements=[],
        capabilities=[],
        deadline=None,
        synced_at=None,
        version=0,
    )


def build_status(
    account: ConnectedAccount,
    requirements: list[AccountRequirement],
    capabilities: list[AccountCapability],
    settings: Settings,
) -> OnboardingStatus:
    current = [_public(r) for r in requirements if r.kind == "current"]
    future = [_public(r) for r in requirements if r.kind == "future"]
    state = OnboardingState(account.state)
    return OnboardingStatus(
        state=state,
        next_action=next_action(state, account, bool(future), settings),
        requirements=RequirementGroups(
            past_due=[r for r in current if r.deadline_status == "past_due"],
            currently_due=[r for r in current if r.deadline_status == "currently_due"],
            eventually_due=[r for r in current if r.deadline_status == "eventually_due"],
        ),
        future_requirements=future,
        capabilities=[
            _capability(c) for c in capabilities if c.name in {"card_payments", "payouts"}
        ],
        deadline=account.minimum_deadline,
        synced_at=account.synced_at,
        version=account.status_version,
    )


def next_action(
    state: OnboardingState, account: ConnectedAccount, has_future: bool, settings: Settings
) -> NextAction | None:
    """The single call to action for ``state``; None when the merchant has nothing to do."""
    collect = settings.default_collect.value
    future = settings.default_future_requirements.value
    platform_collects = account.requirements_collector == "application"
    match state:
        case OnboardingState.not_started:
            return NextAction(
                kind="start",
                use_case="account_onboarding",
                collect=collect,
                future_requirements=future,
            )
        case OnboardingState.action_required:
            return NextAction(
                kind="continue",
                use_case="account_onboarding",
                collect=collect,
                future_requirements=future,
            )
        case OnboardingState.past_due:
            # Only what is overdue, so the merchant fixes it in as few steps as possible.
            return NextAction(
                kind="fix_past_due",
                use_case="account_onboarding",
                collect="currently_due",
                future_requirements="omit",
            )
        case OnboardingState.complete | OnboardingState.restricted if platform_collects:
            if has_future:
                return NextAction(
                    kind="review_future",
                    use_case="account_update",
                    collect="eventually_due",
                    future_requirements="include",
                )
            return NextAction(
                kind="update",
                use_case="account_update",
                collect="eventually_due",
                future_requirements="omit",
            )
        case OnboardingState.restricted:
            return NextAction(
                kind="continue",
                use_case="account_onboarding",
                collect="eventually_due",
                future_requirements="omit",
            )
        case _:
            return None


def _public(row: AccountRequirement) -> RequirementPublic:
    return RequirementPublic(
        description=row.description,
        label=requirement_label(row.description),
        deadline_status=cast(
            Literal["currently_due", "eventually_due", "past_due"], row.deadline_status
        ),
        deadline=row.deadline,
        awaiting_action_from="stripe" if row.awaiting_action_from == "stripe" else "user",
        errors=[
            RequirementErrorPublic(
                code=e["code"], message=error_message(e["code"], e.get("description", ""))
            )
            for e in row.errors
        ],
        restricts_capabilities=row.restricts_capabilities,
    )


def _capability(row: AccountCapability) -> CapabilityPublic:
    status = row.status if row.status in _KNOWN_CAPABILITY_STATUSES else "pending"
    return CapabilityPublic(
        name=cast(Literal["card_payments", "payouts"], row.name),
        label=capability_label(row.name),
        status=cast(Literal["active", "pending", "restricted", "unsupported", "rejected"], status),
    )
