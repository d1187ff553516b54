"""The webhook runtime inside each BFF process: inbox workers and the periodic reconciler.

The composition root (``gangway.container``) starts it; ``WebhookRuntime.stop`` lets each
worker finish the event in hand (briefly) and then cancels what is left. Claimed events of a
process that dies without stopping are re-claimed by any process after their lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from gangway.core.config import Settings
from gangway.webhooks.reconciler import Reconciler
from gangway.webhooks.service import InboxBell, WebhookService, worker_name

logger = logging.getLogger("gangway.webhooks.worker")

# At shutdown, an event in hand gets this long; then its claim lapses with its short lease.
STOP_GRACE_SECONDS = 2.0


@dataclass
class WebhookRuntime:
    """The inbox workers and the reconciler loop of one process."""

    settings: Settings
    service: WebhookService
    reconciler: Reconciler
    bell: InboxBell
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        for index in range(max(0, self.settings.inbox_workers)):
            wakeup = self.bell.listener()
            self._tasks.append(
                asyncio.create_task(self._work(worker_name(), wakeup), name=f"inbox-worker-{index}")
            )
        if self.settings.reconcile_interval_seconds > 0:
            self._tasks.append(asyncio.create_task(self._reconcile(), name="reconciler"))
        logger.info(
            "webhooks.runtime.started",
            extra={
                "workers": self.settings.inbox_workers,
                "reconcile_interval_seconds": self.settings.reconcile_interval_seconds,
            },
        )

    async def stop(self) -> None:
        self._stopping.set()
        self.bell.ring()
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _work(self, name: str, wakeup: asyncio.Event) -> None:
        while not self._stopping.is_set():
            wakeup.clear()
            try:
                worked = await self.service.process_next(name)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database is unreachable or similar: back off and try again.
                logger.exception("webhooks.inbox.worker_error", extra={"worker": name})
                worked = False
            if worked or self._stopping.is_set():
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=self.settings.inbox_poll_seconds)
                # New work: it becomes due after the batch window, with whatever joins it.
                await asyncio.sleep(self.settings.inbox_batch_window_seconds)

    async def _reconcile(self) -> None:
        interval = self.settings.reconcile_interval_seconds
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=interval)
            if self._stopping.is_set():
                return
            try:
                await self.reconciler.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhooks.reconcile.failed")
