"""Queries for the link audit trail. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gangway.core.db import UTCDateTime
from gangway.onboarding.models import LinkAudit


async def latest_link(session: AsyncSession, merchant_id: str) -> LinkAudit | None:
    """The merchant's most recent link: the parameters ``/connect/refresh`` repeats."""
    result = await session.execute(
        select(LinkAudit)
        .where(col(LinkAudit.merchant_id) == merchant_id)
        .order_by(col(LinkAudit.created_at).desc(), col(LinkAudit.id).desc())
        .limit(1)
    )
    return result.scalars().first()


# Built once (``Database.run_alone`` keeps each compiled): every minted link runs them.
# A row of LinkAudit's columns in; its id out.
INSERT_LINK = insert(LinkAudit).returning(col(LinkAudit.id))
# ``:audit_id``: the link was never answered (Stripe's call failed).
DELETE_LINK = delete(LinkAudit).where(col(LinkAudit.id) == bindparam("audit_id"))
# ``:audit_id``, ``:link_expires_at``: Stripe's expiry, once the link is answered.
RECORD_EXPIRY = (
    update(LinkAudit)
    .where(col(LinkAudit.id) == bindparam("audit_id"))
    .values(expires_at=bindparam("link_expires_at", type_=UTCDateTime()))
)


async def record_expiry(session: AsyncSession, audit_id: int, expires_at: datetime) -> None:
    await session.execute(RECORD_EXPIRY, {"audit_id": audit_id, "link_expires_at": expires_at})
