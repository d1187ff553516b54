"""The webhook inbox (one row per Stripe event id) and the reconciler's small state table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Column, Field, SQLModel

from gangway.core.db import UTCDateTime, utcnow


class InboxStatus(StrEnum):
    """Where an inbox event is in its life."""

    pending = "pending"  # waiting for a worker (possibly after a failed attempt)
    processing = "processing"  # claimed by a worker until ``locked_until``
    done = "done"  # the account was re-read and applied
    ignored = "ignored"  # unknown type or an account we don't know: acknowledged, not retried
    dead = "dead"  # failed ``inbox_max_attempts`` times; `gangway replay-events` re-queues


class InboxEvent(SQLModel, table=True):
    """A Stripe v2 event we acknowledged. The primary key is Stripe's event id (dedup)."""

    __tablename__ = "webhook_inbox"
    __table_args__ = (
        Index("ix_webhook_inbox_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_webhook_inbox_account_status", "account_id", "status"),
    )

    event_id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=120)
    # The related account (``related_object.id``); for ``account_link.returned`` it is filled
    # in when the worker fetches the event.
    account_id: str | None = Field(default=None, max_length=255)
    event_created: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    source: str = Field(default="webhook", max_length=20)  # webhook | catch_up
    status: str = Field(default=InboxStatus.pending, max_length=20)
    attempts: int = 0
    # How many times a worker completed this event: stays 1 however often Stripe delivers it.
    completions: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    locked_by: str | None = Field(default=None, max_length=64)
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    last_error: str | None = Field(default=None, max_length=500)
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )


@dataclass(frozen=True, slots=True)
class NewInboxEvent:
    """An event to record: plain values (building the ORM model costs more than its insert)."""

    event_id: str
    type: str
    account_id: str | None
    event_created: datetime
    source: str
    status: InboxStatus
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    """An event a worker has just claimed: what processing it needs, as plain values.

    A claim can hold hundreds of events; ORM objects for them would cost the event loop more
    than the statements do.
    """

    event_id: str
    type: str
    account_id: str | None
    attempts: int
    event_created: datetime


class SyncState(SQLModel, table=True):
    """Named reconciler state: the event catch-up cursor and a lease so one sweep runs at once."""

    __tablename__ = "webhook_sync_state"

    name: str = Field(primary_key=True, max_length=40)
    # The newest ``created`` of any event seen (delivered or listed): catch-up starts here.
    last_event_created: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    swept_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
