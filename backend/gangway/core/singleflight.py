"""One load at a time per key: concurrent callers share the first caller's result.

The caches use it so that a miss costs one database read however many requests miss at once
(50 connections missing one session at its cache's expiry were 50 reads, and 50 writes when
its activity stamp was due: a p99 of 100-125 ms on an otherwise 9 ms read). A caller that
must not see a load begun earlier (after an invalidation) asks under a new key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SingleFlight(Generic[K, V]):
    """Loads in flight, by key. Nothing is kept once a load has finished."""

    def __init__(self) -> None:
        self._flights: dict[K, asyncio.Future[V]] = {}

    async def run(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """``load()``'s result, shared with every caller of the same ``key`` meanwhile.

        The first caller runs ``load`` in its own task; if it is cancelled, one of those
        waiting runs it again. A failure reaches every caller.
        """
        while (pending := self._flights.get(key)) is not None:
            await asyncio.wait([pending])
            if not pending.cancelled():
                return pending.result()
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._flights[key] = future
        try:
            value = await load()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._flights[key]
        future.set_result(value)
        return value
