"""Request and response bodies of ``/api/account``, and what the account service hands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount

BusinessType = Literal["individual", "company", "non_profit", "government_entity"]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
    ] = Field(description="ISO 3166-1 alpha-2 country code of the business.", examples=["US"])
    business_type: BusinessType | None = None


class AccountPublic(BaseModel):
    """The merchant's connected account, as the SPA sees it."""

    id: str = Field(description="The Stripe account id (for display and support).")
    country: str
    business_type: str | None
    dashboard: Literal["express", "full", "none"]
    created_at: datetime


class DashboardLink(BaseModel):
    """A single-use login link to your Express dashboard. Navigate to it at once; don't keep it."""

    url: str = Field(repr=False)


@dataclass(frozen=True)
class CachedAccount:
    """The account and its cached status rows, as last synced from Stripe."""

    account: ConnectedAccount
    requirements: list[AccountRequirement]
    capabilities: list[AccountCapability]
