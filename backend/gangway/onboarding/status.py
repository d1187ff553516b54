"""Build the onboarding status the SPA shows from the cached rows (pure; no I/O)."""

from __future__ import annotations

from typing import cast

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.accounts.state import TERMINAL_STATES, OnboardingState
from gangway.core.config import Collect, FutureRequirements, Settings
from gangway.onboarding import copy
from gangway.onboarding.schemas import (
    CapabilityName,
    CapabilityPublic,
    CapabilityStatus,
    DeadlineStatus,
    EmbeddedComponentName,
    NextAction,
    NextActionKind,
    OnboardingStatus,
    RequirementErrorPublic,
    RequirementGroups,
    RequirementPublic,
    StateReason,
    SupportContact,
    Surface,
    UseCase,
)

_RESOLUTIONS = {"provide_info", "contact_stripe", "no_resolution"}
_KNOWN_CAPABILITY_STATUSES = {"active", "pending", "restricted", "unsupported", "rejected"}


def must_use_embedded(account: ConnectedAccount) -> bool:
    """Stripe's rule: an account with no Stripe dashboard for whose losses Stripe is liable
    updates its information through embedded components (no link or dashboard can)."""
    return account.dashboard == "none" and account.losses_collector == "stripe"


def onboarding_surface(account: ConnectedAccount, settings: Settings) -> Surface:
    """Where this account onboards: ``embedded`` everywhere when the platform says so, and
    under ``auto`` for accounts that must use it; hosted links otherwise."""
    if settings.onboarding_surface == "embedded":
        return "embedded"
    if settings.onboarding_surface == "auto" and must_use_embedded(account):
        return "embedded"
    return "hosted"


def empty_status(settings: Settings | None = None) -> OnboardingStatus:
    """The status of a merchant with no connected account (``surface``: what new accounts
    of this platform get)."""
    state = OnboardingState.no_account
    words = copy.state_copy(state)
    return OnboardingStatus(
        state=state,
        headline=words.headline,
        detail=words.detail,
        tone=words.tone,
        next_action=None,
        surface="embedded" if settings and settings.platform_needs_embedded else "hosted",
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
    entity = account.business_type
    state = OnboardingState(account.state)
    current = _merged([_public(r, entity) for r in requirements if r.kind == "current"])
    future = _merged([_public(r, entity) for r in requirements if r.kind == "future"])
    if state in TERMINAL_STATES:
        # Nothing the merchant provides can change a rejected or closed account: listing
        # "past due" items would say otherwise.
        current, future = [], []
    from_user = [r for r in current if r.awaiting_action_from == "user"]
    if state == OnboardingState.not_started:
        # Stripe reports a fresh account's every entry past_due; to a merchant who has not
        # started, that is simply "due now".
        from_user = [r.model_copy(update={"deadline_status": "currently_due"}) for r in from_user]
    shown_caps = [c for c in capabilities if c.name in {"card_payments", "payouts"}]
    words = copy.state_copy(state)
    detail = words.detail
    support = None
    if state == OnboardingState.past_due:
        paused = [copy.capability_label(c.name) for c in shown_caps if c.status != "active"]
        detail = copy.past_due_detail([_lower(p) for p in paused])
    if _needs_support(state, account):
        support = SupportContact(email=settings.support_email, url=settings.support_url)
        detail = f"{detail} {copy.contact_detail(settings.support_email, settings.support_url)}"
    upcoming = [d for d in [account.upcoming_deadline, *(r.deadline for r in future)] if d]
    return OnboardingStatus(
        state=state,
        headline=_headline(state, account),
        detail=detail,
        tone=words.tone,
        next_action=next_action(state, account, requirements, settings),
        surface=onboarding_surface(account, settings),
        reason=_reason(account),
        support=support,
        requirements=RequirementGroups(
            past_due=[r for r in from_user if r.deadline_status == "past_due"],
            currently_due=[r for r in from_user if r.deadline_status == "currently_due"],
            eventually_due=[r for r in from_user if r.deadline_status == "eventually_due"],
            awaiting_stripe=[r for r in current if r.awaiting_action_from == "stripe"],
        ),
        future_requirements=future,
        capabilities=[_capability(c) for c in shown_caps],
        deadline=account.minimum_deadline if state != OnboardingState.not_started else None,
        upcoming_deadline=min(upcoming) if upcoming else None,
        synced_at=account.synced_at,
        version=account.status_version,
    )


def _merged(items: list[RequirementPublic]) -> list[RequirementPublic]:
    """One item per thing the merchant provides: Stripe lists an address as line1, city...

    Entries with the same label, deadline status and reviewer merge; errors and restricted
    capabilities are joined, and the earliest deadline is kept.
    """
    merged: dict[tuple[str, str, str], RequirementPublic] = {}
    for item in items:
        key = (item.label, item.deadline_status, item.awaiting_action_from)
        if (seen := merged.get(key)) is None:
            merged[key] = item
            continue
        deadlines = [d for d in (seen.deadline, item.deadline) if d is not None]
        codes = {e.code for e in seen.errors}
        merged[key] = seen.model_copy(
            update={
                "deadline": min(deadlines) if deadlines else None,
                "errors": seen.errors + [e for e in item.errors if e.code not in codes],
                "restricts_capabilities": sorted(
                    {*seen.restricts_capabilities, *item.restricts_capabilities}
                ),
                "restricts_capability_labels": list(
                    dict.fromkeys(
                        seen.restricts_capability_labels + item.restricts_capability_labels
                    )
                ),
            }
        )
    return list(merged.values())


def _needs_support(state: OnboardingState, account: ConnectedAccount) -> bool:
    return state in TERMINAL_STATES or account.reason_resolution == "contact_stripe"


def _headline(state: OnboardingState, account: ConnectedAccount) -> str:
    if state == OnboardingState.restricted and account.reason_resolution == "contact_stripe":
        return "Contact support to restore your account"
    return copy.state_copy(state).headline


def _reason(account: ConnectedAccount) -> StateReason | None:
    if not account.reason_code:
        return None
    resolution = account.reason_resolution
    return StateReason(
        code=account.reason_code,
        resolution=resolution if resolution in _RESOLUTIONS else None,
        message=copy.reason_message(account.reason_code),
    )


def next_action(
    state: OnboardingState,
    account: ConnectedAccount,
    requirements: list[AccountRequirement],
    settings: Settings,
) -> NextAction | None:
    """The single call to action for ``state``; None when nothing can help.

    Only accounts whose requirements the platform collects get ``account_update`` links;
    Stripe-collected ones (Express or full dashboard) go back through ``account_onboarding``
    whenever something is due, as Stripe's docs say. On the embedded surface every account
    can review and update its information in the page (embedded components work whoever
    collects), so none meets the dead end of "use your Stripe dashboard" without one.
    """
    if _needs_support(state, account):
        return None
    surface = onboarding_surface(account, settings)
    due_from_user = any(
        r.kind == "current" and r.awaiting_action_from != "stripe" for r in requirements
    )
    action = _hosted_action(
        state,
        requirements,
        settings,
        can_update=account.requirements_collector == "application" or surface == "embedded",
        due_from_user=due_from_user,
    )
    if action is None or surface == "hosted":
        return action
    component: EmbeddedComponentName = (
        "account_management"
        if action.kind == "update" and not due_from_user
        else "account_onboarding"
    )
    return action.model_copy(update={"surface": "embedded", "component": component})


def _hosted_action(
    state: OnboardingState,
    requirements: list[AccountRequirement],
    settings: Settings,
    *,
    can_update: bool,
    due_from_user: bool,
) -> NextAction | None:
    """The action as a link would serve it (``can_update``: an update is possible at all)."""
    collect = settings.default_collect
    future = settings.default_future_requirements
    has_future = any(r.kind == "future" for r in requirements)
    match state:
        case OnboardingState.not_started:
            return _action("start", "account_onboarding", collect, future)
        case OnboardingState.action_required:
            return _action("continue", "account_onboarding", collect, future)
        case OnboardingState.past_due:
            # Only what is overdue, so the merchant fixes it in as few steps as possible.
            return _action("fix_past_due", "account_onboarding", "currently_due", "omit")
        case (
            OnboardingState.complete
            | OnboardingState.complete_with_upcoming
            | OnboardingState.restricted
        ) if can_update:
            if has_future:
                return _action("review_future", "account_update", "eventually_due", "include")
            return _action("update", "account_update", "eventually_due", "omit")
        case OnboardingState.restricted:
            return _action("continue", "account_onboarding", "eventually_due", "omit")
        case OnboardingState.complete | OnboardingState.complete_with_upcoming if due_from_user:
            return _action("continue", "account_onboarding", "eventually_due", "omit")
        case _:
            return None


def _action(
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


def _public(row: AccountRequirement, entity_type: str | None) -> RequirementPublic:
    return RequirementPublic(
        description=row.description,
        label=copy.requirement_label(row.description, entity_type),
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
        explanation=copy.CAPABILITY_EXPLANATIONS[status],
    )


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]
