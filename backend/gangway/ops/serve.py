"""``python -m gangway.ops.serve``: run the BFF under uvicorn the way production does.

The container image's command. Everything comes from Gangway's settings:

- ``GANGWAY_WORKERS`` worker processes (each one a full Gangway: inbox workers, reconciler and
  change-feed listener included; they share the database like separate instances do);
- ``GANGWAY_TRUSTED_PROXIES``: ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed only
  from these addresses or networks. Empty (the default) trusts no proxy header at all, unlike
  plain ``uvicorn``, which trusts them from 127.0.0.1;
- ``GANGWAY_GRACEFUL_SHUTDOWN_SECONDS``: after SIGTERM, how long open requests may finish. Status
  streams never finish on their own: they are cut after this, and browsers reconnect (with
  ``Last-Event-ID``) to another instance. Then the lifespan stops the background work.

Logging is Gangway's (JSON by default) for uvicorn's own lines too, so access lines carry the
request id like every other line of the request.
"""

from __future__ import annotations

import argparse
import gc
import logging
from typing import Any

import uvicorn

from gangway.core.config import Settings
from gangway.core.logging import configure_logging

APP = "gangway.main:app"

logger = logging.getLogger("gangway.serve")


# Collect the youngest generation after 10,000 net allocations instead of 700: a server with
# thousands of open streams holds many long-lived objects, and at the default a fan-out spent a
# third of its time in the collector.
GC_THRESHOLDS = (10_000, 20, 100)


def tune_garbage_collector() -> None:
    """Once the app is built: what is alive now (modules, schemas, the SDK) lives as long as the
    process, so the collector stops scanning it (``gc.freeze``), and collects less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def uvicorn_options(settings: Settings, *, host: str, port: int) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run(APP, ...)`` from ``settings``."""
    trusted = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    return {
        "host": host,
        "port": port,
        "workers": settings.workers,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
        "log_config": None,  # keep Gangway's handlers (configured per worker by gangway.main)
        "log_level": settings.log_level.lower(),
        "server_header": False,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m gangway.ops.serve", description="Run the Gangway BFF under uvicorn."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    options = uvicorn_options(settings, host=args.host, port=args.port)
    logger.info(
        "server.starting",
        extra={
            "workers": options["workers"],
            "trusted_proxies": options["forwarded_allow_ips"] or "",
            "graceful_shutdown_seconds": options["timeout_graceful_shutdown"],
        },
    )
    if settings.workers > 1 and settings.database_url.startswith("sqlite"):
        # Status changes reach streams in the same process only (no LISTEN/NOTIFY on SQLite).
        logger.warning(
            "server.sqlite_with_several_workers",
            extra={"detail": "status streams see only changes made by their own worker"},
        )
    uvicorn.run(APP, **options)


if __name__ == "__main__":
    main()
