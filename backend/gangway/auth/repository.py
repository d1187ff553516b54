"""Database queries for merchants, sessions and throttles. Callers own the transaction."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from gangway.auth.models import AuthSession, LoginThrottle, Merchant


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


async def throttles(session: AsyncSession, keys: list[str]) -> list[LoginThrottle]:
    result = await session.execute(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys)))
    return list(result.scalars().all())
