"""A short-lived per-process cache of live sessions, kept coherent by the change feed.

An entry is the session row (with its absolute expiry and last activity) and its merchant, as
read from the database. Times are checked locally on every use, so an expired session is
refused on the dot; a revocation (sign-out, rotation, expiry) reaches every process through
the change feed, and any other write to the ``sessions`` or ``merchants`` tables through this
process's engine empties the cache. Entries live ``ttl`` seconds at most; while the change
feed cannot hear other processes (PostgreSQL's ``LISTEN`` connection is down) nothing is
served from here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gangway.auth.models import AuthSession, Merchant
from gangway.changes import ChangeFeed


@dataclass(frozen=True)
class CachedSession:
    row: AuthSession
    merchant: Merchant | None
    stored_at: float


class SessionCache:
    """Sessions by token hash. ``generation`` guards against storing what a revocation beat."""

    def __init__(self, changes: ChangeFeed, *, ttl: float, max_entries: int = 50_000) -> None:
        self._changes = changes
        self._ttl = ttl
        self._max_entries = max_entries
        self._by_hash: dict[str, CachedSession] = {}
        self._hash_by_id: dict[int, str] = {}
        self._generation = 0
        changes.on_session_revoked(self.forget)

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._changes.cacheable

    @property
    def generation(self) -> int:
        """Moves on every forget: a read begun before it must not be stored after it."""
        return self._generation

    def get(self, token_hash: str) -> CachedSession | None:
        if not self.enabled:
            return None
        entry = self._by_hash.get(token_hash)
        if entry is None:
            return None
        if time.monotonic() - entry.stored_at >= self._ttl:
            self._drop(token_hash)
            return None
        return entry

    def put(
        self, token_hash: str, row: AuthSession, merchant: Merchant | None, generation: int
    ) -> None:
        """Store a row read from the database, unless something was forgotten since."""
        if not self.enabled or generation != self._generation or row.id is None:
            return
        if len(self._by_hash) >= self._max_entries:
            self._drop(next(iter(self._by_hash)))
        self._by_hash[token_hash] = CachedSession(row, merchant, time.monotonic())
        self._hash_by_id[row.id] = token_hash

    def forget(self, session_id: int | None) -> None:
        """Forget one session (by id), or every session (``None``)."""
        self._generation += 1
        if session_id is None:
            self._by_hash.clear()
            self._hash_by_id.clear()
            return
        token_hash = self._hash_by_id.pop(session_id, None)
        if token_hash is not None:
            self._by_hash.pop(token_hash, None)

    def forget_all(self) -> None:
        self.forget(None)

    def _drop(self, token_hash: str) -> None:
        entry = self._by_hash.pop(token_hash, None)
        if entry is not None and entry.row.id is not None:
            self._hash_by_id.pop(entry.row.id, None)
