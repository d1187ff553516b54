"""Queries for the webhook inbox and the reconciler's state.

Functions taking a session leave the transaction to their caller; those taking the
``Database`` (recording deliveries, claiming, finishing: the inbox's hot paths) each run one
statement that commits as it runs.

Claiming is the one delicate part. On PostgreSQL several processes share the inbox, so a claim
locks its rows with ``FOR UPDATE SKIP LOCKED`` and marks them ``processing`` with a lease in the
same statement: no two workers ever hold one event. SQLite has one writer at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, bindparam, delete, desc, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gangway.core.db import Database, UTCDateTime
from gangway.webhooks.models import (
    ClaimedEvent,
    InboxEvent,
    InboxStatus,
    NewInboxEvent,
    SyncState,
)

# At most this many events of one account are taken in one claim (and served by one fetch).
CLAIM_GROUP_LIMIT = 500

T = TypeVar("T")


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


# --- statements built once per size: a list is padded to the next power of two

# The most items one such statement carries (an INSERT's rows have 11 parameters each: well
# within SQLite's 32,766; a claim, and so a finish, holds at most CLAIM_GROUP_LIMIT events).
CHUNK = 512


def _padded_chunks(items: Sequence[T]) -> Iterator[list[T]]:
    """``items`` in chunks of at most ``CHUNK``, each padded to a power of two with copies of
    its last item: ten statements, each compiled once, then serve every length. Every
    statement built this way treats a repeated item as a no-op (a conflict it skips, an id
    named twice)."""
    for start in range(0, len(items), CHUNK):
        chunk = list(items[start : start + CHUNK])
        yield chunk + [chunk[-1]] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))


# --- recording deliveries: one statement per group commit


@cache
def _record_statement(dialect: str, size: int) -> Any:
    """A ``size``-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING event_id``, built once.

    Sizes are powers of two (see ``_padded_chunks``; the conflict clause skips a repeated row).
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

    The webhook's group commit, and the reconciler's catch-up: one round trip per batch (on
    SQLite, one hop to the driver's thread) where a transaction takes three, so the writer is
    held for a third as long.
    """
    inserted: list[str] = []
    for chunk in _padded_chunks([_values(row) for row in rows]):
        params = {
            f"{name}_{i}": row[name] for i, row in enumerate(chunk) for name in _INSERT_COLUMNS
        }
        statement = _record_statement(db.engine.dialect.name, len(chunk))
        inserted += [event_id for (event_id,) in await db.run_alone(statement, params)]
    return inserted


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _claimable(now: Any) -> ColumnElement[bool]:
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


def _claim_statement() -> Any:
    """The whole claim as one ``UPDATE ... RETURNING``: the oldest due event (``first_due``),
    and with it up to ``CLAIM_GROUP_LIMIT - 1`` events of its account that are due or waiting
    for their first attempt, marked ``processing`` for ``:worker`` until ``:lease_until``.

    On PostgreSQL both picks lock their rows ``FOR UPDATE SKIP LOCKED``, so concurrent claims
    take disjoint sets; SQLite has one writer. Counting the attempt in SQL means a second
    claim of a row could not hide. An event with no account is claimed alone (``=`` never
    matches NULL).
    """
    inbox = InboxEvent.__table__  # type: ignore[attr-defined]
    now = bindparam("now", type_=UTCDateTime())
    first = (
        select(inbox.c.event_id, inbox.c.account_id)
        .where(_claimable(now))
        .order_by(inbox.c.next_attempt_at, inbox.c.event_created)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("first_due")
    )
    is_first = inbox.c.event_id == first.c.event_id
    waiting = and_(inbox.c.status == InboxStatus.pending, inbox.c.attempts == 0)
    same_account = and_(inbox.c.account_id == first.c.account_id, or_(_claimable(now), waiting))
    claimed = (
        select(inbox.c.event_id)
        .join(first, or_(is_first, same_account))
        .order_by(desc(is_first), inbox.c.event_created)
        .limit(CLAIM_GROUP_LIMIT)
        .with_for_update(of=inbox, skip_locked=True)
        .cte("claimed")
    )
    return (
        update(inbox)
        .where(inbox.c.event_id.in_(select(claimed.c.event_id)))
        .values(
            status=InboxStatus.processing,
            locked_by=bindparam("worker"),
            locked_until=bindparam("lease_until", type_=UTCDateTime()),
            attempts=inbox.c.attempts + 1,
        )
        .returning(
            inbox.c.event_id,
            inbox.c.type,
            inbox.c.account_id,
            inbox.c.attempts,
            inbox.c.event_created,
        )
    )


_CLAIM = _claim_statement()


async def claim(
    db: Database, *, worker: str, now: datetime, lease_until: datetime
) -> list[ClaimedEvent]:
    """Claim the oldest due event and every other event of the same account that is due or
    waiting for its first attempt (one re-read from Stripe serves them all).

    One statement that commits as it runs (``Database.run_alone``): on SQLite the writer is
    held for one trip to the driver where a transaction of three queries took five. Returns
    the claimed events (already marked ``processing`` for ``worker``), oldest first, or ``[]``.
    """
    rows = await db.run_alone(_CLAIM, {"now": now, "worker": worker, "lease_until": lease_until})
    return sorted((ClaimedEvent(*row) for row in rows), key=lambda e: e.event_created)


@cache
def _finish_statement(size: int) -> Any:
    """Finish ``:worker``'s events among ``size`` ids (see ``_padded_chunks``), as
    ``:outcome`` at ``:now``; the ids finished."""
    inbox = InboxEvent.__table__  # type: ignore[attr-defined]
    return (
        update(inbox)
        .where(
            inbox.c.event_id.in_([bindparam(f"id_{i}") for i in range(size)]),
            inbox.c.status == InboxStatus.processing,
            inbox.c.locked_by == bindparam("worker"),
        )
        .values(
            status=bindparam("outcome"),
            completions=inbox.c.completions + 1,
            finished_at=bindparam("now", type_=UTCDateTime()),
            locked_by=None,
            locked_until=None,
            last_error=None,
        )
        .returning(inbox.c.event_id)
    )


async def finish(
    db: Database, event_ids: Sequence[str], worker: str, outcome: str, now: datetime
) -> int:
    """Mark ``worker``'s claimed events finished (``done`` or ``ignored``); how many it still held.

    An event whose lease ran out and was claimed again is left to its new worker. One
    statement per 512 events, each committed as it runs.
    """
    finished = 0
    for chunk in _padded_chunks(event_ids):
        params: dict[str, Any] = {f"id_{i}": event_id for i, event_id in enumerate(chunk)}
        params |= {"worker": worker, "outcome": outcome, "now": now}
        finished += len(await db.run_alone(_finish_statement(len(chunk)), params))
    return finished


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
