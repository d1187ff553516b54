"""Queries for the webhook inbox and the reconciler's state. Callers own the transaction.

Claiming is the one delicate part. On PostgreSQL several processes share the inbox, so a claim
locks its rows with ``FOR UPDATE SKIP LOCKED`` and marks them ``processing`` with a lease in the
same transaction: no two workers ever hold one event. On SQLite the claim runs inside a
``BEGIN IMMEDIATE`` write transaction, which already serialises writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gangway.core.db import Database
from gangway.webhooks.models import (
    ClaimedEvent,
    InboxEvent,
    InboxStatus,
    NewInboxEvent,
    SyncState,
)

# At most this many events of one account are taken in one claim (and served by one fetch).
CLAIM_GROUP_LIMIT = 500


_INSERT_COLUMNS = (
    "event_id",
    "type",
    "account_id",
    "event_created",
    "source",
    "status",
    "attempts",
    "completions",
    "next_attempt_at",
    "received_at",
    "finished_at",
)
_DIALECT_INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def _insert_statement(insert: Any) -> Any:
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(table.c.event_id)
    )


# Built once per dialect: sent with a list of rows, SQLAlchemy batches them into multi-row
# INSERTs from one compiled statement ("insertmanyvalues"), where a fresh multi-row
# ``.values()`` would be compiled for every batch.
_INSERTS = {name: _insert_statement(insert) for name, insert in _DIALECT_INSERT.items()}


def _values(row: NewInboxEvent) -> dict[str, Any]:
    return {
        "event_id": row.event_id,
        "type": row.type,
        "account_id": row.account_id,
        "event_created": row.event_created,
        "source": row.source,
        "status": row.status,
        "attempts": 0,
        "completions": 0,
        "next_attempt_at": row.due_at,
        "received_at": row.received_at,
        "finished_at": row.finished_at,
    }


async def insert_if_absent(session: AsyncSession, rows: Sequence[NewInboxEvent]) -> list[str]:
    """Insert ``rows`` unless their event id is already there; the ids actually inserted."""
    if not rows:
        return []
    result = await session.execute(_INSERTS[_dialect(session)], [_values(row) for row in rows])
    return [event_id for (event_id,) in result.all()]


# --- recording deliveries: one statement per group commit

# The most rows one INSERT carries (11 parameters each: well within SQLite's 32,766).
RECORD_CHUNK = 512


@cache
def _record_statement(dialect: str, size: int) -> Any:
    """A ``size``-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING event_id``, built once.

    Sizes are powers of two (a batch is padded with copies of its last row, which the
    conflict clause skips), so a handful of statements serve every batch.
    """
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    rows = [
        {name: bindparam(f"{name}_{i}", type_=table.c[name].type) for name in _INSERT_COLUMNS}
        for i in range(size)
    ]
    return _insert_statement(_DIALECT_INSERT[dialect]).values(rows)


async def record(db: Database, rows: Sequence[NewInboxEvent]) -> list[str]:
    """Insert ``rows`` unless their event id is already there, each chunk one statement that
    commits as it runs (``Database.run_alone``); the ids actually inserted.

    The webhook's group commit: one round trip per batch (on SQLite, one hop to the driver's
    thread) where a transaction takes three, so the writer is held for a third as long.
    """
    inserted: list[str] = []
    for start in range(0, len(rows), RECORD_CHUNK):
        chunk = [_values(row) for row in rows[start : start + RECORD_CHUNK]]
        size = 1 << (len(chunk) - 1).bit_length()
        chunk += [chunk[-1]] * (size - len(chunk))
        params = {
            f"{name}_{i}": row[name] for i, row in enumerate(chunk) for name in _INSERT_COLUMNS
        }
        statement = _record_statement(db.engine.dialect.name, size)
        inserted += [event_id for (event_id,) in await db.run_alone(statement, params)]
    return inserted


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(
            col(InboxEvent.status) == InboxStatus.pending,
            col(InboxEvent.next_attempt_at) <= now,
        ),
        # A claim whose worker died (crash, SIGKILL): re-claimable once its lease ran out.
        and_(
            col(InboxEvent.status) == InboxStatus.processing,
            col(InboxEvent.locked_until) < now,
        ),
    )


async def claim(
    session: AsyncSession, *, worker: str, now: datetime, lease_until: datetime
) -> list[ClaimedEvent]:
    """Claim the oldest due event and every other event of the same account that is due or
    waiting for its first attempt (one re-read from Stripe serves them all).

    Returns the claimed events (already marked ``processing`` for ``worker``), oldest first,
    or ``[]``.
    """
    first_query = (
        select(col(InboxEvent.event_id), col(InboxEvent.account_id))
        .where(_claimable(now))
        .order_by(col(InboxEvent.next_attempt_at), col(InboxEvent.event_created))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    first = (await session.execute(first_query)).first()
    if first is None:
        return []
    event_ids = [first.event_id]
    if first.account_id is not None:
        group_query = (
            select(col(InboxEvent.event_id))
            .where(col(InboxEvent.account_id) == first.account_id)
            .where(col(InboxEvent.event_id) != first.event_id)
            .where(
                or_(
                    _claimable(now),
                    and_(
                        col(InboxEvent.status) == InboxStatus.pending,
                        col(InboxEvent.attempts) == 0,
                    ),
                )
            )
            .order_by(col(InboxEvent.event_created))
            .limit(CLAIM_GROUP_LIMIT - 1)
            .with_for_update(skip_locked=True)
        )
        event_ids.extend((await session.scalars(group_query)).all())
    # One UPDATE, counting the attempt in SQL: a second claim of a row could not hide.
    result = await session.execute(
        update(InboxEvent)
        .where(col(InboxEvent.event_id).in_(event_ids))
        .values(
            status=InboxStatus.processing,
            locked_by=worker,
            locked_until=lease_until,
            attempts=col(InboxEvent.attempts) + 1,
        )
        .returning(
            col(InboxEvent.event_id),
            col(InboxEvent.type),
            col(InboxEvent.account_id),
            col(InboxEvent.attempts),
            col(InboxEvent.event_created),
        )
        .execution_options(synchronize_session=False)
    )
    return sorted((ClaimedEvent(*row) for row in result), key=lambda e: e.event_created)


async def finish(
    session: AsyncSession, event_ids: Sequence[str], worker: str, outcome: str, now: datetime
) -> int:
    """Mark ``worker``'s claimed events finished (``done`` or ``ignored``); how many it still held.

    An event whose lease ran out and was claimed again is left to its new worker.
    """
    result = await session.execute(
        _held(update(InboxEvent), event_ids, worker)
        .values(
            status=outcome,
            completions=col(InboxEvent.completions) + 1,
            finished_at=now,
            locked_by=None,
            locked_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def dead_letter(
    session: AsyncSession, event_ids: Sequence[str], now: datetime, error: str
) -> None:
    """Give up on these events: they stay, ``dead``, until an operator replays them."""
    await session.execute(
        update(InboxEvent)
        .where(col(InboxEvent.event_id).in_(list(event_ids)))
        .values(
            status=InboxStatus.dead,
            finished_at=now,
            locked_by=None,
            locked_until=None,
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    )


def _held(statement: Any, event_ids: Sequence[str], worker: str) -> Any:
    """``statement`` narrowed to the events among ``event_ids`` that ``worker`` still holds."""
    return (
        statement.where(col(InboxEvent.event_id).in_(list(event_ids)))
        .where(col(InboxEvent.status) == InboxStatus.processing)
        .where(col(InboxEvent.locked_by) == worker)
    )


async def renew(
    session: AsyncSession, event_ids: Sequence[str], worker: str, lease_until: datetime
) -> int:
    """Extend ``worker``'s lease on its claimed rows (a heartbeat); how many it still holds."""
    result = await session.execute(
        _held(update(InboxEvent), event_ids, worker).values(locked_until=lease_until)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def owned(session: AsyncSession, event_ids: Sequence[str], worker: str) -> list[InboxEvent]:
    """The rows among ``event_ids`` that ``worker`` still holds (its lease was not taken over)."""
    result = await session.execute(_held(select(InboxEvent), event_ids, worker).with_for_update())
    return list(result.scalars().all())


async def by_id(session: AsyncSession, event_id: str) -> InboxEvent | None:
    return await session.get(InboxEvent, event_id)


async def requeue_dead(
    session: AsyncSession, now: datetime, event_ids: Sequence[str] | None = None
) -> int:
    """Put dead-lettered events (all, or those in ``event_ids``) back in the queue."""
    statement = (
        update(InboxEvent)
        .where(col(InboxEvent.status) == InboxStatus.dead)
        .values(
            status=InboxStatus.pending,
            attempts=0,
            next_attempt_at=now,
            locked_by=None,
            locked_until=None,
            finished_at=None,
        )
    )
    if event_ids:
        statement = statement.where(col(InboxEvent.event_id).in_(event_ids))
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def prune_finished(session: AsyncSession, finished_before: datetime) -> int:
    """Forget done and ignored events older than Stripe's retention (they can't recur)."""
    result = await session.execute(
        delete(InboxEvent)
        .where(col(InboxEvent.status).in_([InboxStatus.done, InboxStatus.ignored]))
        .where(col(InboxEvent.finished_at) < finished_before)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def event_cursor(session: AsyncSession, name: str) -> datetime | None:
    """The newest event ``created`` the named catch-up has seen (read-only)."""
    result = await session.execute(
        select(col(SyncState.last_event_created)).where(col(SyncState.name) == name)
    )
    return result.scalars().first()


async def sync_state(session: AsyncSession, name: str) -> SyncState:
    """The named state row, created on first use (``FOR UPDATE`` on PostgreSQL)."""
    query = select(SyncState).where(col(SyncState.name) == name).with_for_update()
    state = (await session.execute(query)).scalars().first()
    if state is None:
        insert = pg_insert if _dialect(session) == "postgresql" else sqlite_insert
        await session.execute(
            insert(SyncState).values(name=name).on_conflict_do_nothing(index_elements=["name"])
        )
        state = (await session.execute(query)).scalars().one()
    return state
