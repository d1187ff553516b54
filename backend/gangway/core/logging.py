"""Structured logging: one JSON object per line, named events such as ``auth.login.failed``.

Log calls pass the event name as the message and context as ``extra``. A redacting filter
scrubs anything shaped like a Stripe secret, a webhook secret or a URL path from values as a
second line of defence; the first is that code never logs link URLs, tokens or secrets.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_SECRET_PATTERNS = [
    re.compile(r"\b(sk|rk|pk)_(live|test)_[A-Za-z0-9_]+"),
    re.compile(r"\bwhsec_[A-Za-z0-9_+/=]+"),
    re.compile(r"https?://\S+"),
]


def redact(value: str) -> str:
    """Replace secrets and URLs in ``value`` with a marker."""
    for pattern in _SECRET_PATTERNS:
        value = pattern.sub("[redacted]", value)
    return value


class RedactingFilter(logging.Filter):
    """Scrub secrets and URLs from the message arguments and extras of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = redact(str(record.msg))
        for key, val in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(val, str):
                setattr(record, key, redact(val))
        return True


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line: ``event``, ``level``, ``logger`` and the extras."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, val in vars(record).items():
            if key not in _STANDARD_ATTRS:
                payload[key] = val
        if record.exc_info and record.exc_info[0] is not None:
            payload["error_type"] = record.exc_info[0].__name__
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Install the JSON (or console) handler on the root logger, once."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root.handlers = [handler]
    root.setLevel(level.upper())
