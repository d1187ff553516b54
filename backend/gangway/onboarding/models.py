"""The audit trail of minted Account Links. The link URL itself is never stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Column, Field, SQLModel

from gangway.core.db import UTCDateTime, utcnow


class LinkAudit(SQLModel, table=True):
    """Who minted which kind of link, when, and until when it works.

    Written while Stripe mints the link, and durable before the link is answered; a call that
    fails takes its row away again. ``expires_at`` is Stripe's, recorded just after the answer:
    a row left without it is a link whose outcome this service never learnt (the process
    stopped during the call or right after answering).

    The merchant's latest row is also the parameter set ``/connect/refresh`` repeats.
    """

    __tablename__ = "link_audits"
    __table_args__ = (Index("ix_link_audits_merchant_created", "merchant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    merchant_id: str = Field(foreign_key="merchants.id", ondelete="CASCADE", max_length=36)
    stripe_account_id: str = Field(max_length=255)
    use_case: str = Field(max_length=32)
    collect: str = Field(max_length=32)
    future_requirements: str = Field(max_length=16)
    source: str = Field(max_length=16, description="api | refresh")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
