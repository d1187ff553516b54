"""The emulated clock: real time plus an offset that scenario controls can advance."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def time(self) -> float:
        """Emulated Unix time in seconds."""
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds


def rfc3339(ts: float) -> str:
    """Format a Unix timestamp the way Stripe v2 does: ``2025-03-27T17:15:18.000Z``."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_rfc3339(value: str) -> float:
    """Parse an RFC 3339 timestamp into Unix seconds; raises ValueError when invalid."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError("timestamp without a time zone")
    return dt.timestamp()
