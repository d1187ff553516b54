"""Bodies of ``/api/onboarding``: link requests, minted links and the onboarding status."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gangway.accounts.state import OnboardingState

UseCase = Literal["account_onboarding", "account_update"]
Collect = Literal["currently_due", "eventually_due"]
FutureRequirements = Literal["include", "omit"]
DeadlineStatus = Literal["currently_due", "eventually_due", "past_due"]


class LinkCreate(BaseModel):
    """What kind of link to mint; omitted fields take the platform's defaults."""

    model_config = ConfigDict(extra="forbid")

    use_case: UseCase = "account_onboarding"
    collect: Collect | None = Field(
        default=None,
        description="`eventually_due` collects everything up front; `currently_due` only what "
        "is needed now (incremental).",
    )
    future_requirements: FutureRequirements | None = None


class OnboardingLink(BaseModel):
    """A single-use link to Stripe-hosted onboarding. Navigate to it at once; don't keep it."""

    url: str
    expires_at: datetime
    use_case: UseCase


class NextAction(BaseModel):
    """The one thing the dashboard should offer, and the link to mint for it."""

    kind: Literal["start", "continue", "fix_past_due", "update", "review_future"]
    use_case: UseCase
    collect: Collect
    future_requirements: FutureRequirements


class RequirementErrorPublic(BaseModel):
    code: str
    message: str = Field(description="What to fix, in words for the merchant.")


class RequirementPublic(BaseModel):
    description: str = Field(
        description="Stripe's requirement path, e.g. `identity.business_details.registered_name`."
    )
    label: str
    deadline_status: DeadlineStatus
    deadline: datetime | None
    awaiting_action_from: Literal["user", "stripe"]
    errors: list[RequirementErrorPublic]
    restricts_capabilities: list[str]


class RequirementGroups(BaseModel):
    past_due: list[RequirementPublic]
    currently_due: list[RequirementPublic]
    eventually_due: list[RequirementPublic]


class CapabilityPublic(BaseModel):
    name: Literal["card_payments", "payouts"]
    label: str
    status: Literal["active", "pending", "restricted", "unsupported", "rejected", "unrequested"]


class OnboardingStatus(BaseModel):
    """Where onboarding stands, from the cache (never a live call to Stripe)."""

    state: OnboardingState
    next_action: NextAction | None
    requirements: RequirementGroups
    future_requirements: list[RequirementPublic]
    capabilities: list[CapabilityPublic]
    deadline: datetime | None = Field(description="The earliest deadline of current requirements.")
    synced_at: datetime | None = Field(description="When the cache was last refreshed from Stripe.")
    version: int = Field(description="Increases on every change; also the ETag and SSE id.")
