"""The connected account and its cached status: requirements and capabilities, one row each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Column, Field, SQLModel

from gangway.core.db import UTCDateTime, utcnow


class ConnectedAccount(SQLModel, table=True):
    """A merchant's Stripe v2 Account (at most one per merchant) and its status columns."""

    __tablename__ = "connected_accounts"

    id: int | None = Field(default=None, primary_key=True)
    merchant_id: str = Field(
        foreign_key="merchants.id", ondelete="CASCADE", unique=True, max_length=36
    )
    stripe_account_id: str = Field(unique=True, max_length=255)
    country: str = Field(max_length=2)
    business_type: str | None = Field(default=None, max_length=40)
    dashboard: str = Field(max_length=20)
    requirements_collector: str = Field(default="application", max_length=20)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # --- cached status, replaced as a whole by each newer snapshot from Stripe
    state: str = Field(default="not_started", max_length=32, index=True)
    status_version: int = 0
    status_digest: str = Field(default="", max_length=64)
    minimum_deadline: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    minimum_deadline_status: str | None = Field(default=None, max_length=32)
    # When the snapshot now stored was requested from Stripe: an older one never overwrites it.
    snapshot_fetched_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    synced_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    first_link_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    manual_sync_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    # --- what Gangway knows that Stripe does not say (a fresh account and an overdue one look
    # alike in v2: every entry past_due). Either one means "not a first-timer any more".
    info_submitted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    activated_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    closed: bool = False
    # When future requirements become effective (Stripe's future_requirements summary).
    upcoming_deadline: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    losses_collector: str | None = Field(default=None, max_length=20)
    # Why the state is what it is, from a capability's status_details (e.g. contact_stripe).
    reason_code: str | None = Field(default=None, max_length=64)
    reason_resolution: str | None = Field(default=None, max_length=32)


class AccountRequirement(SQLModel, table=True):
    """One requirement entry, current (``kind='current'``) or future (``kind='future'``)."""

    __tablename__ = "account_requirements"
    __table_args__ = (
        Index("ix_account_requirements_kind_status", "kind", "deadline_status"),
        Index("ix_account_requirements_deadline", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="connected_accounts.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=10)
    description: str = Field(max_length=255)
    deadline_status: str = Field(max_length=32)
    deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    awaiting_action_from: str = Field(max_length=20)
    errors: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    restricts_capabilities: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class AccountCapability(SQLModel, table=True):
    """One capability's status (``card_payments``, ``payouts``)."""

    __tablename__ = "account_capabilities"

    account_id: int = Field(
        foreign_key="connected_accounts.id", ondelete="CASCADE", primary_key=True
    )
    name: str = Field(max_length=40, primary_key=True)
    status: str = Field(max_length=20)
    # Stripe's status_details: [{code, resolution}], why it is not active.
    status_details: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
