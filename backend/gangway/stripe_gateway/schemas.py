"""What Gangway reads from Stripe: tolerant models over Stripe's v2 objects.

Only the fields the product uses are modelled; unknown fields are ignored so a newer API
version never breaks parsing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Deadline(_Loose):
    status: str | None = None
    time: datetime | None = None


class RequirementError(_Loose):
    code: str
    description: str = ""


class RestrictedCapability(_Loose):
    capability: str
    configuration: str | None = None
    deadline: Deadline | None = None


class Impact(_Loose):
    restricts_capabilities: list[RestrictedCapability] | None = None


class Reason(_Loose):
    code: str


class RequirementEntry(_Loose):
    description: str
    awaiting_action_from: str = "user"
    errors: list[RequirementError] = Field(default_factory=list)
    impact: Impact | None = None
    minimum_deadline: Deadline | None = None
    reference: dict[str, Any] | None = None
    requested_reasons: list[Reason] | None = None

    @property
    def deadline_status(self) -> str:
        return (self.minimum_deadline.status if self.minimum_deadline else None) or "eventually_due"

    @property
    def restricted_capabilities(self) -> list[str]:
        impact = self.impact.restricts_capabilities if self.impact else None
        return sorted({item.capability for item in impact or []})


class Summary(_Loose):
    minimum_deadline: Deadline | None = None


class Requirements(_Loose):
    entries: list[RequirementEntry] | None = None
    summary: Summary | None = None
    # Future requirements only: when they become effective.
    minimum_transition_date: datetime | None = None

    @property
    def earliest_date(self) -> datetime | None:
        """When these requirements start to bite: the transition date, else the deadline."""
        deadline = self.summary.minimum_deadline if self.summary else None
        return self.minimum_transition_date or (deadline.time if deadline else None)


class StatusDetail(_Loose):
    """Why a capability is not active: Stripe's ``code`` and what can help (``resolution``)."""

    code: str
    resolution: str | None = None


class AccountSnapshot(_Loose):
    """One read of a v2 Account, with ``requirements``, ``future_requirements``,
    ``configuration.merchant`` and ``defaults`` included."""

    id: str
    created: datetime | None = None
    closed: bool | None = None
    dashboard: str | None = None
    country: str | None = None
    business_type: str | None = None
    requirements_collector: str | None = None
    losses_collector: str | None = None
    requirements: Requirements | None = None
    future_requirements: Requirements | None = None
    capabilities: dict[str, str] = Field(default_factory=dict)
    capability_details: dict[str, list[StatusDetail]] = Field(default_factory=dict)
    fetched_at: datetime

    @classmethod
    def from_stripe(cls, data: dict[str, Any], fetched_at: datetime) -> AccountSnapshot:
        """Flatten the parts of a v2 Account object the product uses."""
        merchant = (data.get("configuration") or {}).get("merchant") or {}
        caps = merchant.get("capabilities") or {}
        capabilities: dict[str, str] = {}
        details: dict[str, list[StatusDetail]] = {}
        for name, cap in (
            ("card_payments", caps.get("card_payments")),
            ("payouts", (caps.get("stripe_balance") or {}).get("payouts")),
        ):
            if cap:
                capabilities[name] = cap.get("status") or "pending"
                details[name] = [
                    StatusDetail.model_validate(d) for d in cap.get("status_details") or []
                ]
        identity = data.get("identity") or {}
        responsibilities = (data.get("defaults") or {}).get("responsibilities") or {}
        return cls(
            id=data["id"],
            created=data.get("created"),
            closed=data.get("closed"),
            dashboard=data.get("dashboard"),
            country=identity.get("country"),
            business_type=identity.get("entity_type"),
            requirements_collector=responsibilities.get("requirements_collector"),
            losses_collector=responsibilities.get("losses_collector"),
            requirements=data.get("requirements"),
            future_requirements=data.get("future_requirements"),
            capabilities=capabilities,
            capability_details=details,
            fetched_at=fetched_at,
        )


class LinkResult(_Loose):
    """A minted Account Link. ``url`` is a bearer credential: return it, never keep it."""

    url: str = Field(repr=False)
    expires_at: datetime
    created: datetime | None = None


class AccountSessionResult(_Loose):
    """A created Account Session. ``client_secret`` is a bearer credential: return it, never
    keep or log it."""

    client_secret: str = Field(repr=False)
    expires_at: datetime
    components: dict[str, Any] = Field(default_factory=dict)


class LoginLinkResult(_Loose):
    """A single-use Express dashboard login link. ``url`` is a bearer credential."""

    url: str = Field(repr=False)


class _StrictJson(_Loose):
    """Validated from JSON without coercion: a delivery is checked exactly as documented."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class RelatedObject(_StrictJson):
    id: str = Field(max_length=255)
    type: str = Field(max_length=120)
    url: str | None = None


class NotifiedObject(RelatedObject):
    """A notification's ``related_object``: ``url`` is always there (null or a path)."""

    url: str | None


class EventNotification(_StrictJson):
    """A verified thin event notification: identifiers only, no state.

    Lengths are bounded as the inbox stores them: a longer id is malformed, not a 500.
    """

    id: str = Field(max_length=255)
    object: Literal["v2.core.event"]
    type: str = Field(max_length=120)
    created: datetime
    livemode: bool = False
    related_object: NotifiedObject | None = None


class EventRecord(_Loose):
    """A fetched v2 event (``GET /v2/core/events/{id}``)."""

    id: str
    type: str
    created: datetime
    related_object: RelatedObject | None = None
    data: dict[str, Any] | None = None

    @property
    def account_id(self) -> str | None:
        if self.related_object and self.related_object.type == "v2.core.account":
            return self.related_object.id
        value = (self.data or {}).get("account_id")
        return value if isinstance(value, str) else None
