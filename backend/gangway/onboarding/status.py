"""Build the onboarding status the SPA shows from the cached rows (pure; no I/O)."""

from __future__ import annotations

from typing import cast

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.accounts.state import OnboardingState
from gangway.core.config import Collect, FutureRequirements, Settings
from gangway.onboarding import copy
from gangway.onboarding.schemas import (
    CapabilityName,
    CapabilityPublic,
    CapabilityStatus,
    DeadlineStatus,
    NextAction,
    NextActionKind,
    OnboardingStatus,
    RequirementErrorPublic,
    RequirementGroups,
    RequirementPublic,
    UseCase,
)

_KNOWN_CAPABILITY_STATUSES = {"active", "pending", "restricted", "unsupported", "rejected"}


def empty_status() -> OnboardingStatus:
    """The status of a merchant with no connected account."""
    state = OnboardingState.no_account
    words = copy.state_copy(state)
    return OnboardingStatus(
        state=state,
        headline=words.headline,
        detail=words.detail,
        tone=words.tone,
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
    words = copy.state_copy(state)
    return OnboardingStatus(
        state=state,
        headline=words.headline,
        detail=words.detail,
        tone=words.tone,
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
    collect = settings.default_collect
    future = settings.default_future_requirements
    platform_collects = account.requirements_collector == "application"
    match state:
        case OnboardingState.not_started:
            return _action(
                kind="start",
                use_case="account_onboarding",
                collect=collect,
                future_requirements=future,
            )
        case OnboardingState.action_required:
            return _action(
                kind="continue",
                use_case="account_onboarding",
                collect=collect,
                future_requirements=future,
            )
        case OnboardingState.past_due:
            # Only what is overdue, so the merchant fixes it in as few steps as possible.
            return _action(
                kind="fix_past_due",
                use_case="account_onboarding",
                collect="currently_due",
                future_requirements="omit",
            )
        case OnboardingState.complete | OnboardingState.restricted if platform_collects:
            if has_future:
                return _action(
                    kind="review_future",
                    use_case="account_update",
                    collect="eventually_due",
                    future_requirements="include",
                )
            return _action(
                kind="update",
                use_case="account_update",
                collect="eventually_due",
                future_requirements="omit",
            )
        case OnboardingState.restricted:
            return _action(
                kind="continue",
                use_case="account_onboarding",
                collect="eventually_due",
                future_requirements="omit",
            )
        case _:
            return None


def _action(
    *,
    kind: NextActionKind,
    use_case: UseCase,
    collect: Collect,
    future_requirements: FutureRequirements,
) -> NextAction:
    return NextAction(
        kind=kind,
        label=copy.action_label(kind),
        use_case=use_case,
        collect=collect,
        future_requirements=future_requirements,
    )


def _public(row: AccountRequirement) -> RequirementPublic:
    return RequirementPublic(
        description=row.description,
        label=copy.requirement_label(row.description),
        deadline_status=cast(DeadlineStatus, row.deadline_status),
        deadline=row.deadline,
        awaiting_action_from="stripe" if row.awaiting_action_from == "stripe" else "user",
        errors=[_error(e["code"], e.get("description")) for e in row.errors],
        restricts_capabilities=row.restricts_capabilities,
        restricts_capability_labels=copy.capability_labels_in_sentence(row.restricts_capabilities),
    )


def _error(code: str, description: str | None) -> RequirementErrorPublic:
    words = copy.error_copy(code, description)
    return RequirementErrorPublic(
        code=code,
        message=words.message,
        remedy=words.remedy,
        stripe_description=words.stripe_description,
    )


def _capability(row: AccountCapability) -> CapabilityPublic:
    status = cast(
        CapabilityStatus, row.status if row.status in _KNOWN_CAPABILITY_STATUSES else "pending"
    )
    words = copy.capability_status(status)
    return CapabilityPublic(
        name=cast(CapabilityName, row.name),
        label=copy.capability_label(row.name),
        status=status,
        status_label=words.label,
        tone=words.tone,
    )
