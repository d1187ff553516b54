"""Queries for connected accounts and their cached status. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount


async def by_merchant(session: AsyncSession, merchant_id: str) -> ConnectedAccount | None:
    result = await session.execute(
        select(ConnectedAccount).where(col(ConnectedAccount.merchant_id) == merchant_id)
    )
    return result.scalars().first()


async def by_id(
    session: AsyncSession, account_id: int, *, for_update: bool = False
) -> ConnectedAccount | None:
    query = select(ConnectedAccount).where(col(ConnectedAccount.id) == account_id)
    if for_update:
        query = query.with_for_update()
    result = await session.execute(query)
    return result.scalars().first()


async def by_stripe_id(
    session: AsyncSession, stripe_account_id: str, *, for_update: bool = False
) -> ConnectedAccount | None:
    query = select(ConnectedAccount).where(
        col(ConnectedAccount.stripe_account_id) == stripe_account_id
    )
    if for_update:
        query = query.with_for_update()  # PostgreSQL: concurrent syncs of one account queue here
    result = await session.execute(query)
    return result.scalars().first()


async def set_first_link_at(session: AsyncSession, account_id: int, when: datetime) -> None:
    """Remember when the account's first link was minted (later links leave it)."""
    await session.execute(
        update(ConnectedAccount)
        .where(col(ConnectedAccount.id) == account_id)
        .where(col(ConnectedAccount.first_link_at).is_(None))
        .values(first_link_at=when)
        # No ORM object of this row is held here: nothing for SQLAlchemy to synchronize.
        .execution_options(synchronize_session=False)
    )


async def requirements(session: AsyncSession, account_id: int) -> list[AccountRequirement]:
    result = await session.execute(
        select(AccountRequirement)
        .where(col(AccountRequirement.account_id) == account_id)
        .order_by(col(AccountRequirement.id))
    )
    return list(result.scalars().all())


async def capabilities(session: AsyncSession, account_id: int) -> list[AccountCapability]:
    result = await session.execute(
        select(AccountCapability)
        .where(col(AccountCapability.account_id) == account_id)
        .order_by(col(AccountCapability.name))
    )
    return list(result.scalars().all())


async def replace_status_rows(
    session: AsyncSession,
    account_id: int,
    new_requirements: list[AccountRequirement],
    new_capabilities: list[AccountCapability],
) -> None:
    await session.execute(
        delete(AccountRequirement).where(col(AccountRequirement.account_id) == account_id)
    )
    await session.execute(
        delete(AccountCapability).where(col(AccountCapability.account_id) == account_id)
    )
    session.add_all([*new_requirements, *new_capabilities])


async def with_deadline_before(session: AsyncSession, before: datetime) -> list[ConnectedAccount]:
    """Accounts whose earliest current deadline falls before ``before`` (indexed)."""
    result = await session.execute(
        select(ConnectedAccount)
        .where(col(ConnectedAccount.minimum_deadline).is_not(None))
        .where(col(ConnectedAccount.minimum_deadline) < before)
        .order_by(col(ConnectedAccount.minimum_deadline))
    )
    return list(result.scalars().all())


async def stale(
    session: AsyncSession, synced_before: datetime, limit: int
) -> list[ConnectedAccount]:
    """Accounts whose cache is older than ``synced_before`` (or never synced)."""
    result = await session.execute(
        select(ConnectedAccount)
        .where(
            (col(ConnectedAccount.synced_at).is_(None))
            | (col(ConnectedAccount.synced_at) < synced_before)
        )
        .order_by(col(ConnectedAccount.synced_at))
        .limit(limit)
    )
    return list(result.scalars().all())
