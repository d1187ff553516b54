"""Database queries for merchants, sessions and throttles. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from gangway.auth.models import AuthSession, Merchant


async def merchant_by_email(session: AsyncSession, email: str) -> Merchant | None:
    result = await session.execute(select(Merchant).where(Merchant.email == email))
    return result.scalars().first()


async def session_by_token_hash(
    session: AsyncSession, token_hash: str
) -> tuple[AuthSession, Merchant | None] | None:
    """The session and its merchant (if signed in), in one query."""
    result = await session.execute(
        select(AuthSession, Merchant)
        .outerjoin(Merchant, col(Merchant.id) == col(AuthSession.merchant_id))
        .where(col(AuthSession.token_hash) == token_hash)
    )
    row = result.first()
    return (row[0], row[1]) if row else None


async def delete_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(delete(AuthSession).where(col(AuthSession.id) == session_id))


async def delete_expired_sessions(
    session: AsyncSession, now: datetime, idle_cutoff: datetime
) -> int:
    result = await session.execute(
        delete(AuthSession).where(
            or_(col(AuthSession.expires_at) <= now, col(AuthSession.last_seen_at) <= idle_cutoff)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
