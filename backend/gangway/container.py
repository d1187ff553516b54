"""The composition root: every long-lived part of a Gangway process, built once, here.

The app's lifespan (``gangway.main``), the CLI (``gangway.cli``) and the tests all get their
services from :func:`open_services`; the app also starts the background work with
:func:`run_background`. Nothing else constructs a service, so "where is X built?" has one
answer: below.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType

from gangway.accounts.service import AccountService
from gangway.auth.cache import SessionCache
from gangway.auth.passwords import PasswordHasher
from gangway.auth.service import AuthService
from gangway.changes import ChangeFeed
from gangway.core.config import Settings
from gangway.core.db import Database
from gangway.core.ratelimit import RateLimiter
from gangway.onboarding.cache import StatusCache
from gangway.onboarding.service import OnboardingService
from gangway.ops.metrics import Metrics
from gangway.stripe_gateway import StripeGateway
from gangway.webhooks.reconciler import Reconciler
from gangway.webhooks.service import InboxBell, WebhookService
from gangway.webhooks.worker import WebhookRuntime

logger = logging.getLogger("gangway.container")

# What each cache is read from: any write to these tables that its service did not announce
# through the change feed empties the cache.
STATUS_TABLES = {"connected_accounts", "account_requirements", "account_capabilities"}
SESSION_TABLES = {"sessions", "merchants"}


@dataclass(frozen=True)
class Services:
    """One process's services. Request dependencies read them from ``app.state.services``."""

    settings: Settings
    db: Database
    metrics: Metrics
    stripe: StripeGateway
    changes: ChangeFeed
    auth: AuthService
    accounts: AccountService
    onboarding: OnboardingService
    webhooks: WebhookService
    reconciler: Reconciler
    inbox_bell: InboxBell
    limiter: RateLimiter


def build_services(settings: Settings, metrics: Metrics | None = None) -> Services:
    """Wire every service to one database, one Stripe gateway and one change feed."""
    metrics = metrics or Metrics()
    db = Database.from_settings(settings)
    stripe = StripeGateway(settings, metrics)
    changes = ChangeFeed(db)
    # Per-process caches, kept coherent by the change feed and by this process's own writes.
    sessions = SessionCache(changes, ttl=settings.session_cache_seconds)
    statuses = StatusCache(changes)
    db.on_write(STATUS_TABLES, statuses.forget_all)
    db.on_write(SESSION_TABLES, sessions.forget_all)
    bell = InboxBell()
    limiter = RateLimiter(db)
    accounts = AccountService(
        db=db, stripe=stripe, changes=changes, settings=settings, limiter=limiter
    )
    return Services(
        settings=settings,
        db=db,
        metrics=metrics,
        stripe=stripe,
        changes=changes,
        auth=AuthService(
            db=db,
            settings=settings,
            hasher=PasswordHasher(settings),
            limiter=limiter,
            changes=changes,
            cache=sessions,
        ),
        accounts=accounts,
        onboarding=OnboardingService(
            db=db,
            settings=settings,
            stripe=stripe,
            accounts=accounts,
            changes=changes,
            limiter=limiter,
            cache=statuses,
        ),
        webhooks=WebhookService(
            db=db, settings=settings, stripe=stripe, accounts=accounts, bell=bell, metrics=metrics
        ),
        reconciler=Reconciler(
            db=db, settings=settings, stripe=stripe, accounts=accounts, bell=bell
        ),
        inbox_bell=bell,
        limiter=limiter,
    )


@asynccontextmanager
async def open_services(
    settings: Settings, metrics: Metrics | None = None
) -> AsyncIterator[Services]:
    """Build the services; close Stripe's HTTP client and the database pool on the way out."""
    services = build_services(settings, metrics)
    try:
        yield services
    finally:
        await services.stripe.aclose()
        await services.db.dispose()


@asynccontextmanager
async def run_background(services: Services) -> AsyncIterator[None]:
    """The app's background work: the change feed's listener, inbox workers, the reconciler,
    housekeeping and, on SQLite, the WAL checkpointer."""
    await services.changes.start()
    _drain_on_sigterm(services)
    runtime = WebhookRuntime(
        settings=services.settings,
        service=services.webhooks,
        reconciler=services.reconciler,
        bell=services.inbox_bell,
    )
    runtime.start()
    settings = services.settings
    loops: dict[str, tuple[float, Callable[[Services], Awaitable[None]]]] = {
        "housekeeping": (settings.housekeeping_interval_seconds, _housekeeping)
    }
    if services.db.engine.dialect.name == "sqlite":
        loops["db.checkpoint"] = (settings.sqlite_checkpoint_interval_seconds, _checkpoint)
    tasks = [
        asyncio.create_task(_every(seconds, name, work, services), name=name)
        for name, (seconds, work) in loops.items()
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runtime.stop()
        await services.changes.stop()


def _drain_on_sigterm(services: Services) -> None:
    """At SIGTERM, end open status streams at once, then let the server's handler run.

    uvicorn waits for open connections before it shuts the app down, and a status stream
    never ends on its own; chaining its signal handler is the one hook there is.
    """
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        return
    chained = previous

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(services.changes.drain)
        chained(signum, frame)

    try:
        signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (an app run by a test's thread): nothing to chain
        return


async def _every(
    seconds: float, name: str, work: Callable[[Services], Awaitable[None]], services: Services
) -> None:
    """``work`` every ``seconds`` until cancelled; a failure is logged as ``{name}.failed``."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await work(services)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A cancellation can surface from the database driver as another error: never
            # swallow it, or shutdown waits out the next sleep.
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            logger.warning(f"{name}.failed", exc_info=True)


async def _housekeeping(services: Services) -> None:
    """Forget what has expired: sessions, and rate-limit windows older than a day."""
    sessions = await services.auth.sweep_expired_sessions()
    windows = await services.limiter.sweep(older_than=timedelta(days=1))
    if sessions or windows:
        logger.info(
            "housekeeping.swept", extra={"sessions": sessions, "rate_limit_windows": windows}
        )


async def _checkpoint(services: Services) -> None:
    """SQLite: checkpoint the WAL here, so that no commit has to (see Database.checkpoint)."""
    try:
        done = await services.db.checkpoint()
    except Exception:
        services.metrics.wal_checkpoints.labels("failed").inc()
        raise
    if done is not None:
        services.metrics.wal_checkpoints.labels("busy" if done.busy else "ok").inc()
