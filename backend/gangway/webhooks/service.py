"""Receive thin events into the inbox, and process inbox events into account syncs.

``receive`` verifies and records a notification in one short transaction; it never calls
Stripe. ``process_next`` claims due events (one account's worth at a time), re-reads that
account from Stripe outside any transaction, and finishes the claim: done, retried later with
backoff, or dead-lettered after ``inbox_max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gangway.accounts.service import AccountService
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import GangwayError
from gangway.core.logging import bind_event_ids
from gangway.ops.metrics import Metrics
from gangway.stripe_gateway import EventNotification, StripeGateway
from gangway.stripe_gateway.client import ACCOUNT_EVENT_TYPES
from gangway.webhooks import repository
from gangway.webhooks.models import InboxStatus, NewInboxEvent

logger = logging.getLogger("gangway.webhooks")

HANDLED_TYPES = frozenset(ACCOUNT_EVENT_TYPES)
LINK_RETURNED = "v2.core.account_link.returned"
MAX_RETRY_DELAY_SECONDS = 600.0


@dataclass
class InboxBell:
    """Rung when new inbox work is committed, so this process's idle workers start at once.

    Workers in other processes find the work by polling.
    """

    _listeners: list[asyncio.Event] = field(default_factory=list)

    def listener(self) -> asyncio.Event:
        event = asyncio.Event()
        self._listeners.append(event)
        return event

    def ring(self) -> None:
        for event in self._listeners:
            event.set()


@dataclass(frozen=True)
class Received:
    event_id: str
    duplicate: bool


@dataclass(frozen=True)
class Claim:
    """What one worker holds: some due events of one account (or one link event)."""

    worker: str
    event_ids: list[str]
    types: list[str]
    account_id: str | None
    attempts: int


def retry_delay(attempts: int, base: float) -> float:
    """Exponential backoff with jitter: ``base * 2**(attempts-1)``, capped, ±20 %."""
    delay = min(base * 2.0 ** max(0, attempts - 1), MAX_RETRY_DELAY_SECONDS)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def _error_text(exc: BaseException) -> str:
    """A short description to keep on the row: the error class and our own domain detail.

    Only a :class:`GangwayError`'s detail is kept (it is ours: no URLs or secrets).
    """
    if isinstance(exc, GangwayError):
        return f"{type(exc).__name__}: {exc.detail or exc.title}"[:500]
    if isinstance(exc, TimeoutError):
        return "TimeoutError: the attempt took longer than inbox_attempt_timeout_seconds"
    return type(exc).__name__


@dataclass
class WebhookService:
    db: Database
    settings: Settings
    stripe: StripeGateway
    accounts: AccountService
    bell: InboxBell
    metrics: Metrics | None = None
    # Rows waiting for the next group commit, and the task committing them.
    _pending: list[tuple[NewInboxEvent, asyncio.Future[bool]]] = field(
        default_factory=list, init=False, repr=False
    )
    _committer: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    # --- receiving

    async def receive(self, raw_body: bytes, signature_header: str | None) -> Received:
        """Verify ``raw_body`` and record it (once per event id). Raises on a bad signature."""
        secrets = [s.get_secret_value() for s in self.settings.stripe_webhook_secrets]
        try:
            notification = self.stripe.parse_notification(raw_body, signature_header, secrets)
        except GangwayError:
            self._count_webhook("invalid")
            logger.warning("stripe.webhook.rejected", extra={"reason": "invalid_signature"})
            raise
        row = self._row(notification, source="webhook")
        duplicate = not await self._record(row)
        outcome = "duplicate" if duplicate else row.status
        self._count_webhook(outcome)
        logger.info(
            "stripe.webhook.received",
            extra={
                "event_id": notification.id,
                "event_type": notification.type,
                "stripe_account_id": row.account_id,
                "outcome": outcome,
            },
        )
        if row.status == InboxStatus.ignored and not duplicate:
            logger.info(
                "stripe.webhook.ignored_type",
                extra={"event_id": notification.id, "event_type": notification.type},
            )
        if not duplicate and row.status == InboxStatus.pending:
            self.bell.ring()
        return Received(event_id=notification.id, duplicate=duplicate)

    async def _record(self, row: NewInboxEvent) -> bool:
        """Insert ``row`` in the next group commit; True once committed, False for a duplicate.

        Group commit: rows that arrive while a commit is in flight (or within the short
        ``webhook_commit_window_seconds``) share the next transaction. The caller resumes only
        after the commit that holds its row, so nothing is acknowledged before it is durable.
        """
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((row, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_pending(), name="inbox-commit")
        return await asyncio.shield(future)

    async def _commit_pending(self) -> None:
        await asyncio.sleep(self.settings.webhook_commit_window_seconds)
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                inserted = set(await repository.record(self.db, [row for row, _ in batch]))
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                        future.exception()  # retrieved: a caller that left must not warn
                continue
            for row, future in batch:
                # The first of several deliveries of one event in a batch is the one inserted.
                first = row.event_id in inserted
                inserted.discard(row.event_id)
                if not future.done():
                    future.set_result(first)

    def _row(self, event: EventNotification, *, source: str) -> NewInboxEvent:
        return inbox_row(
            event_id=event.id,
            event_type=event.type,
            created=event.created,
            account_id=(
                event.related_object.id
                if event.related_object and event.related_object.type == "v2.core.account"
                else None
            ),
            source=source,
            delay_seconds=self.settings.inbox_batch_window_seconds,
        )

    def _count_webhook(self, outcome: str) -> None:
        if self.metrics:
            self.metrics.webhook_events.labels(outcome).inc()

    # --- processing

    async def process_next(self, worker: str) -> bool:
        """Claim and process one batch of due events; False when nothing was due."""
        claim = await self._claim(worker)
        if claim is None:
            return False
        # Every line logged from here (account sync, fan-out) carries the events' ids.
        with bind_event_ids(claim.event_ids):
            heartbeat = asyncio.create_task(self._keep_lease(claim), name="inbox-heartbeat")
            try:
                async with asyncio.timeout(self.settings.inbox_attempt_timeout_seconds):
                    outcome = await self._handle(claim)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._fail(claim, exc)
            else:
                await self._finish(claim, outcome)
            finally:
                heartbeat.cancel()
        return True

    async def _keep_lease(self, claim: Claim) -> None:
        """Renew the claim's short lease while the attempt runs.

        Leases are short so that the events of a process that dies are taken over within
        seconds; a live worker keeps its claim by renewing it every third of a lease.
        """
        lease = timedelta(seconds=self.settings.inbox_lease_seconds)
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            try:
                async with self.db.write() as session:
                    await repository.renew(session, claim.event_ids, claim.worker, utcnow() + lease)
            except asyncio.CancelledError:
                raise
            except Exception:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # a cancellation the driver reported as another error
                logger.warning("webhooks.inbox.heartbeat_failed", exc_info=True)

    async def _claim(self, worker: str) -> Claim | None:
        now = utcnow()
        lease_until = now + timedelta(seconds=self.settings.inbox_lease_seconds)
        claimed = await repository.claim(self.db, worker=worker, now=now, lease_until=lease_until)
        # A claim whose lease keeps running out (a process dying on this event every time)
        # must not loop forever either.
        poisoned = [e.event_id for e in claimed if e.attempts > self.settings.inbox_max_attempts]
        if poisoned:
            async with self.db.write() as session:
                await repository.dead_letter(
                    session, poisoned, now, "LeaseExpired: no attempt finished within its lease"
                )
            logger.error(
                "webhooks.inbox.dead_lettered",
                extra={"event_ids": poisoned, "error": "lease expired"},
            )
        rows = [e for e in claimed if e.attempts <= self.settings.inbox_max_attempts]
        if not rows:
            return None
        return Claim(
            worker=worker,
            event_ids=[r.event_id for r in rows],
            types=[r.type for r in rows],
            account_id=rows[0].account_id,
            attempts=max(r.attempts for r in rows),
        )

    async def _handle(self, claim: Claim) -> str:
        """Sync the claim's account; the outcome is ``done`` or ``ignored``."""
        account_id = claim.account_id
        if account_id is None and LINK_RETURNED in claim.types:
            record = await self.stripe.retrieve_event(claim.event_ids[0])
            account_id = record.account_id
            if account_id is not None:
                async with self.db.write() as session:
                    row = await repository.by_id(session, claim.event_ids[0])
                    if row is not None:
                        row.account_id = account_id
        if account_id is None:
            logger.info(
                "webhooks.inbox.no_account",
                extra={"event_ids": claim.event_ids, "event_types": claim.types},
            )
            return InboxStatus.ignored
        if not await self.accounts.is_known(account_id):
            logger.info(
                "webhooks.inbox.unknown_account",
                extra={"event_ids": claim.event_ids, "stripe_account_id": account_id},
            )
            return InboxStatus.ignored
        if LINK_RETURNED in claim.types:
            # The merchant came back from Stripe: they have submitted something.
            await self.accounts.record_submission(stripe_account_id=account_id)
        result = await self.accounts.sync(account_id)
        logger.info(
            "webhooks.inbox.synced",
            extra={
                "event_ids": claim.event_ids,
                "stripe_account_id": account_id,
                "changed": result.changed,
                "version": result.version,
            },
        )
        return InboxStatus.done

    async def _finish(self, claim: Claim, outcome: str) -> None:
        now = utcnow()
        finished = await repository.finish(self.db, claim.event_ids, claim.worker, outcome, now)
        lost = len(claim.event_ids) - finished
        if lost:
            # Only possible if an attempt outlived its lease; the event was re-claimed.
            logger.warning(
                "webhooks.inbox.lease_lost", extra={"event_ids": claim.event_ids, "lost": lost}
            )
        if self.metrics:
            self.metrics.inbox_processed.labels(outcome).inc(finished)

    async def _fail(self, claim: Claim, exc: BaseException) -> None:
        now = utcnow()
        error = _error_text(exc)
        dead: list[str] = []
        async with self.db.write() as session:
            rows = await repository.owned(session, claim.event_ids, claim.worker)
            for row in rows:
                row.locked_by = None
                row.locked_until = None
                row.last_error = error
                if row.attempts >= self.settings.inbox_max_attempts:
                    row.status = InboxStatus.dead
                    row.finished_at = now
                    dead.append(row.event_id)
                else:
                    row.status = InboxStatus.pending
                    delay = retry_delay(row.attempts, self.settings.inbox_retry_base_seconds)
                    row.next_attempt_at = now + timedelta(seconds=delay)
        retried = [e for e in claim.event_ids if e not in dead]
        if retried:
            logger.warning(
                "webhooks.inbox.retry_scheduled",
                extra={
                    "event_ids": retried,
                    "stripe_account_id": claim.account_id,
                    "attempts": claim.attempts,
                    "error": error,
                },
            )
        if dead:
            logger.error(
                "webhooks.inbox.dead_lettered",
                extra={
                    "event_ids": dead,
                    "stripe_account_id": claim.account_id,
                    "attempts": claim.attempts,
                    "error": error,
                },
            )
        if self.metrics:
            self.metrics.inbox_processed.labels("retry").inc(len(retried))
            self.metrics.inbox_processed.labels("dead").inc(len(dead))

    # --- operations

    async def replay_dead(self, event_ids: Sequence[str] | None = None) -> int:
        """Re-queue dead-lettered events (all, or the given ids); how many were re-queued."""
        async with self.db.write() as session:
            count = await repository.requeue_dead(session, utcnow(), event_ids)
        logger.info("webhooks.inbox.replayed", extra={"count": count})
        if count:
            self.bell.ring()
        return count


def inbox_row(
    *,
    event_id: str,
    event_type: str,
    created: datetime,
    account_id: str | None,
    source: str,
    delay_seconds: float = 0.0,
) -> NewInboxEvent:
    """A new inbox row, due at once; event types we don't handle are recorded as ``ignored``."""
    now = utcnow()
    handled = event_type in HANDLED_TYPES
    return NewInboxEvent(
        event_id=event_id,
        type=event_type,
        account_id=account_id,
        event_created=created,
        source=source,
        status=InboxStatus.pending if handled else InboxStatus.ignored,
        received_at=now,
        due_at=now + timedelta(seconds=delay_seconds),
        finished_at=None if handled else now,
    )


def worker_name() -> str:
    """A name for one worker, unique across processes and restarts."""
    return f"w-{uuid.uuid4().hex[:16]}"
