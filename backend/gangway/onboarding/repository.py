"""Queries for the link audit trail. Callers own the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

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
