"""Structured logging: one JSON object per line, named events such as ``auth.login.failed``.

Log calls pass the event name as the message and context as ``extra``. A redacting filter
scrubs anything shaped like a Stripe secret, a webhook secret or a URL path from values as a
second line of defence; the first is that code never logs link URLs, tokens or secrets.

Correlation: every line logged while a request is handled carries its ``request_id`` (set by
:class:`gangway.ops.edge.EdgeMiddleware`), and every line logged while an inbox worker
processes webhook events carries their ``event_id`` (``event_ids`` for a batch of several), set
with :func:`bind_event_ids`. Both are opaque identifiers, never secrets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# uvicorn's ``color_message`` repeats the message with terminal colours: not for JSON logs.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
# Stripe keys, webhook signing secrets and URLs, in one pattern: one pass over each value.
_SECRETS = re.compile(
    r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9_]+"
    r"|\bwhsec_[A-Za-z0-9_+/=]+"
    r"|https?://\S+"
)

#: The id of the HTTP request being handled, if any.
request_id_var: ContextVar[str | None] = ContextVar("gangway_request_id", default=None)
#: The ids of the webhook events being processed, if any.
event_ids_var: ContextVar[tuple[str, ...]] = ContextVar("gangway_event_ids", default=())


@contextmanager
def bind_event_ids(event_ids: Sequence[str]) -> Iterator[None]:
    """Tag every log line inside the block (this task and those it starts) with these events."""
    token = event_ids_var.set(tuple(event_ids))
    try:
        yield
    finally:
        event_ids_var.reset(token)


def correlation_fields() -> dict[str, Any]:
    """``request_id`` and ``event_id`` / ``event_ids`` of the current context, when set."""
    fields: dict[str, Any] = {}
    if (request_id := request_id_var.get()) is not None:
        fields["request_id"] = redact(request_id)
    event_ids = event_ids_var.get()
    if len(event_ids) == 1:
        fields["event_id"] = event_ids[0]
    elif event_ids:
        fields["event_ids"] = list(event_ids)
    return fields


def redact(value: str) -> str:
    """Replace secrets and URLs in ``value`` with a marker."""
    return _SECRETS.sub("[redacted]", value)


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


class ShutdownCancellationFilter(logging.Filter):
    """uvicorn reports each request it cancels at the end of a graceful shutdown (open status
    streams, which never end on their own) as "Exception in ASGI application": an error line per
    stream at every restart. It is the expected way a stream ends, and the browser reconnects
    elsewhere; this records it as the info line ``http.request.cancelled_at_shutdown``, and
    uvicorn's one "Cancel N running task(s)" line per shutdown as a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "uvicorn.error":
            return True
        exc_type = record.exc_info[0] if record.exc_info else None
        if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
            record.msg, record.args = "http.request.cancelled_at_shutdown", None
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = None
        elif "timeout graceful shutdown exceeded" in str(record.msg):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _is_database_error(exc_type: type[BaseException] | None) -> bool:
    """A driver or SQLAlchemy error: its message may quote row values (PostgreSQL's DETAIL)."""
    if exc_type is None:
        return False
    module = exc_type.__module__
    return module.startswith(("sqlalchemy", "asyncpg", "sqlite3", "aiosqlite"))


def safe_traceback(exc_info: Any) -> str:
    """The traceback with every database error's message replaced by its type.

    SQLAlchemy's ``hide_parameters`` keeps bound parameters out of its own messages, but the
    driver's text (``Key (email)=(…) already exists``) still carries values.
    """
    exc_type, exc, tb = exc_info
    te = traceback.TracebackException(exc_type, exc, tb)
    seen: set[int] = set()
    stack = [te]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _is_database_error(current.exc_type):
            # The message is the only part that can hold values; the stack stays useful.
            current._str = "(details hidden: database errors can quote row values)"  # type: ignore[attr-defined]
        stack.extend(x for x in (current.__cause__, current.__context__) if x is not None)
    return "".join(te.format()).rstrip()


class ConsoleFormatter(logging.Formatter):
    """``LEVEL logger message``, with tracebacks whose database messages are hidden."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s %(message)s")

    def formatException(self, ei: Any) -> str:
        return redact(safe_traceback(ei))


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line: ``event``, ``level``, ``logger`` and the extras."""

    def __init__(self) -> None:
        super().__init__()
        # The timestamp has whole seconds: formatted once per second, not once per line.
        self._second = -1
        self._stamp = ""

    def _timestamp(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z", self.converter(second))
        return self._stamp

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self._timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, val in correlation_fields().items():
            payload.setdefault(key, val)
        for key, val in vars(record).items():
            if key not in _STANDARD_ATTRS:
                payload[key] = val
        if record.exc_info and record.exc_info[0] is not None:
            payload["error_type"] = record.exc_info[0].__name__
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Install the JSON (or console) handler on the root logger, once."""
    # No line shows where it was logged from, or which thread or process logged it: skip
    # gathering those for every record (the logging HOWTO's "Optimization" section).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    handler.addFilter(ShutdownCancellationFilter())
    handler.addFilter(RedactingFilter())
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # aiosqlite logs every statement with its parameters at DEBUG: never let those through.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))
    # httpx logs every request it sends (a URL, which redaction would blank) at INFO: the
    # Stripe gateway's own ``stripe.request`` line says more, and says it once.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
