"""Queries for the link audit trail. Callers own the transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
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


# Built once: every minted link runs it, with a row of LinkAudit's columns as its parameters.
INSERT_LINK = insert(LinkAudit)


async def add_link(session: AsyncSession, row: dict[str, Any]) -> None:
    await session.execute(INSERT_LINK, row)
