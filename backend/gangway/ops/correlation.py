"""Request ids: one on every log line of a request, and on its response (``X-Request-ID``).

:class:`gangway.ops.edge.EdgeMiddleware` sets it for the request's lifetime.

An incoming ``X-Request-ID`` (from a proxy or load balancer that already tagged the request) is
kept when it is a short, plain token; anything else is replaced by a fresh random id, so a client
can neither inject text into the logs nor pass a secret through them.
"""

from __future__ import annotations

import random
import re

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and ``._-``, 8 to 64 characters: uuids, ULIDs, proxies' hex ids.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def new_request_id() -> str:
    """128 random bits in hex. Unique, not secret: ``random`` instead of ``os.urandom`` spares
    a system call on every request (Python reseeds ``random`` in a forked worker)."""
    return f"{random.getrandbits(128):032x}"


def accepted_request_id(value: str | None) -> str | None:
    """``value`` when it is a sane request id, else None."""
    if value is None or _SANE_ID.fullmatch(value) is None:
        return None
    return value
