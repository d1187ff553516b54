"""Bodies of ``/api/onboarding``: link requests, minted links, embedded sessions and the
onboarding status."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gangway.accounts.state import OnboardingState
from gangway.core.config import Collect, FutureRequirements, OnboardingSurface

UseCase = Literal["account_onboarding", "account_update"]
DeadlineStatus = Literal["currently_due", "eventually_due", "past_due"]
NextActionKind = Literal["start", "continue", "fix_past_due", "update", "review_future"]
CapabilityName = Literal["card_payments", "payouts"]
CapabilityStatus = Literal[
    "active", "pending", "restricted", "unsupported", "rejected", "unrequested"
]
# Where the merchant onboards: a Stripe-hosted page (Account Link) or embedded components.
Surface = Literal["hosted", "embedded"]
# The Connect embedded component an embedded next action opens.
EmbeddedComponentName = Literal["account_onboarding", "account_management"]


def _default_not_in_schema(schema: dict[str, Any]) -> None:
    """Leave a field's default out of the OpenAPI schema, so typed clients built before it
    existed (and their fixtures) keep compiling: the field is optional there, always sent."""
    schema.pop("default", None)


# How urgent something looks: the SPA picks colours by tone, never by state or status.
Tone = Literal["neutral", "info", "warning", "danger", "success"]


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
    """The one thing the dashboard should offer: the link to mint for it (`surface: hosted`),
    or the embedded component to open (`surface: embedded`)."""

    kind: NextActionKind
    label: str = Field(description="The button's text, e.g. `Start onboarding`.")
    use_case: UseCase
    collect: Collect
    future_requirements: FutureRequirements
    surface: Surface = Field(
        default="hosted",
        json_schema_extra=_default_not_in_schema,
        description="`hosted`: mint a link (`POST /api/onboarding/links`) with `use_case`, "
        "`collect` and `future_requirements`. `embedded`: create an embedded session "
        "(`POST /api/onboarding/embedded-session`) with `collect` and `future_requirements` "
        "and open `component` in the page.",
    )
    component: EmbeddedComponentName | None = Field(
        default=None,
        description="With `surface: embedded`, the component to open: `account_onboarding` "
        "(collect what is asked) or `account_management` (review and change what is on file). "
        "Null for hosted actions.",
    )


class EmbeddedSessionCreate(BaseModel):
    """Collection options for the embedded onboarding; omitted fields take the platform's
    defaults, as links do."""

    model_config = ConfigDict(extra="forbid")

    collect: Collect | None = Field(
        default=None,
        description="`eventually_due` collects everything up front; `currently_due` only what "
        "is needed now (incremental).",
    )
    future_requirements: FutureRequirements | None = None


class CollectionOptions(BaseModel):
    """Pass to the component as Connect.js's `collectionOptions` (`fields`,
    `futureRequirements`)."""

    fields: Collect
    future_requirements: FutureRequirements


class EmbeddedComponent(BaseModel):
    """One component of the session, as Stripe enabled it."""

    enabled: bool
    features: dict[str, bool] = Field(
        description="Stripe's features of the component, e.g. `external_account_collection`."
    )
    collection_options: CollectionOptions


class EmbeddedComponents(BaseModel):
    account_onboarding: EmbeddedComponent
    account_management: EmbeddedComponent
    notification_banner: EmbeddedComponent


class EmbeddedSession(BaseModel):
    """An Account Session for Connect embedded components. `client_secret` is a short-lived
    bearer credential: hand it to Connect.js (`fetchClientSecret`) at once; never store it."""

    client_secret: str = Field(repr=False)
    expires_at: datetime
    publishable_key: str = Field(description="For `loadConnectAndInitialize`.")
    components: EmbeddedComponents


class PublicConfig(BaseModel):
    """What the SPA needs before it loads Connect.js; the same for every visitor."""

    publishable_key: str | None = Field(
        description="Stripe's publishable key for Connect.js; null when embedded components "
        "are not configured."
    )
    connect_js_url: str | None = Field(
        description="In emulator mode, the Connect.js stand-in to load (as a script) before "
        "`loadConnectAndInitialize` from `@stripe/connect-js/pure`; null with real Stripe."
    )
    onboarding_surface: OnboardingSurface = Field(
        description="The platform's setting; each merchant's own surface is in the status."
    )


class RequirementErrorPublic(BaseModel):
    """A verification error on a requirement: Stripe's code, and what the merchant should do."""

    code: str = Field(description="Stripe's error code, e.g. `verification_document_expired`.")
    message: str = Field(
        description="What to fix, in words for the merchant: the remedy for a known code, "
        "otherwise Stripe's own description. Kept for older clients; show `remedy` and "
        "`stripe_description` instead."
    )
    remedy: str = Field(
        description="What the merchant should do, in plain words. Always present: codes Gangway "
        "does not know get a generic remedy."
    )
    stripe_description: str | None = Field(
        description="Stripe's own description of the error, to quote after `remedy`; null when "
        "Stripe gave none or it says the same as `remedy`."
    )


class RequirementPublic(BaseModel):
    description: str = Field(
        description="Stripe's requirement path, e.g. `identity.business_details.registered_name`."
    )
    label: str = Field(description="The requirement in words for the merchant.")
    deadline_status: DeadlineStatus
    deadline: datetime | None
    awaiting_action_from: Literal["user", "stripe"]
    errors: list[RequirementErrorPublic]
    restricts_capabilities: list[str] = Field(
        description="Stripe's names of the capabilities this requirement restricts, e.g. "
        "`card_payments`, `stripe_balance.payouts`."
    )
    restricts_capability_labels: list[str] = Field(
        description="The same capabilities in words that read mid-sentence (`card payments`, "
        "`payouts`), without repeats."
    )


class RequirementGroups(BaseModel):
    """Current requirements by who must act and how soon. Items Stripe is reviewing are only
    in `awaiting_stripe`, never counted as due."""

    past_due: list[RequirementPublic]
    currently_due: list[RequirementPublic]
    eventually_due: list[RequirementPublic]
    awaiting_stripe: list[RequirementPublic] = Field(
        default_factory=list,
        description="Submitted and being reviewed by Stripe: nothing for the merchant to do.",
    )


class CapabilityPublic(BaseModel):
    name: CapabilityName
    label: str = Field(description="The capability in words, e.g. `Card payments`.")
    status: CapabilityStatus
    status_label: str = Field(description="`status` in words, e.g. `Not requested`.")
    tone: Tone = Field(description="How `status` should look: `success` when active, and so on.")
    explanation: str = Field(
        description="What this status means for the merchant, in a sentence (for a badge's hint)."
    )


class StateReason(BaseModel):
    """Why the state is what it is, from a capability's `status_details` at Stripe."""

    code: str = Field(
        description="Stripe's `status_details[].code`, e.g. `rejected_fraud`, "
        "`unsupported_business`, `restricted_other`, `requirements_past_due`."
    )
    resolution: Literal["provide_info", "contact_stripe", "no_resolution"] | None = Field(
        description="What can help: `provide_info` (a link), `contact_stripe` (no link helps; "
        "contact support) or `no_resolution` (final)."
    )
    message: str = Field(description="The reason in plain words for the merchant.")


class SupportContact(BaseModel):
    """Who the merchant should contact when no link can help (the platform's settings)."""

    email: str | None
    url: str | None


class OnboardingStatus(BaseModel):
    """Where onboarding stands, from the cache (never a live call to Stripe)."""

    state: OnboardingState
    headline: str = Field(description="`state` in a few words, for the page's main heading.")
    detail: str = Field(description="One or two sentences on what `state` means for the merchant.")
    tone: Tone = Field(description="How urgent `state` is, for colouring the status card.")
    next_action: NextAction | None = Field(
        description="The one button to offer; null when no link can help (Stripe is reviewing, "
        "the account is rejected or closed, or only Stripe's support can help)."
    )
    surface: Surface = Field(
        default="hosted",
        json_schema_extra=_default_not_in_schema,
        description="Where this merchant onboards and updates their information: `hosted` "
        "(links to Stripe) or `embedded` (Connect embedded components in the page).",
    )
    reason: StateReason | None = Field(
        default=None, description="Stripe's reason behind a restricted or rejected state."
    )
    support: SupportContact | None = Field(
        default=None,
        description="Set when the merchant should contact support instead of following a link.",
    )
    requirements: RequirementGroups
    future_requirements: list[RequirementPublic]
    capabilities: list[CapabilityPublic]
    deadline: datetime | None = Field(description="The earliest deadline of current requirements.")
    upcoming_deadline: datetime | None = Field(
        default=None,
        description="When the earliest future requirement starts to apply, if Stripe gave a date.",
    )
    synced_at: datetime | None = Field(description="When the cache was last refreshed from Stripe.")
    version: int = Field(description="Increases on every change; also the ETag and SSE id.")
