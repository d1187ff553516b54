"""Operational hygiene: what is logged on a database error, what is swept, what is malformed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from gangway.auth.models import Merchant
from gangway.container import Services
from gangway.core.db import utcnow
from gangway.core.logging import configure_logging
from tests.support.api import signup
from tests.support.webhooks import SECRET, deliver, notification


@pytest.fixture
def gangway_logging() -> Iterator[Callable[[str, str], None]]:
    """``configure_logging`` for one test; the process's logging is put back as it was after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    libraries = {name: logging.getLogger(name).level for name in ("httpx", "aiosqlite")}
    switches = {
        name: getattr(logging, name)
        for name in ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing")
    }
    yield configure_logging
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, library_level in libraries.items():
        logging.getLogger(name).setLevel(library_level)
    for name, value in switches.items():
        setattr(logging, name, value)


async def test_database_errors_log_no_parameters(
    app: FastAPI,
    capsys: pytest.CaptureFixture[str],
    gangway_logging: Callable[[str, str], None],
) -> None:
    """Provoke a database error and log it through Gangway's own logging, at DEBUG: no email
    and no password hash in what reaches the log, in either format."""
    services: Services = app.state.services
    secret_email = "leak-check@example.com"
    secret_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0$c2VjcmV0"
    row = {"email": secret_email, "business_name": "A", "password_hash": secret_hash}
    for fmt in ("console", "json"):
        gangway_logging("DEBUG", fmt)
        async with services.db.write() as session:
            session.add(Merchant(**{**row, "email": f"{fmt}-{secret_email}"}))
        with pytest.raises(sa.exc.IntegrityError) as raised:
            async with services.db.write() as session:
                session.add(Merchant(**{**row, "email": f"{fmt}-{secret_email}"}))
        logging.getLogger("gangway.test").exception("db.error", exc_info=raised.value)
        assert "hide_parameters" in str(raised.value)
    logged = capsys.readouterr().err
    assert "db.error" in logged
    assert "IntegrityError" in logged
    assert secret_email not in logged
    assert secret_hash not in logged


def test_httpx_request_lines_stay_out_of_the_logs(
    capsys: pytest.CaptureFixture[str], gangway_logging: Callable[[str, str], None]
) -> None:
    """The Stripe gateway logs each call once (``stripe.request``, without its URL); httpx's own
    INFO line about every request it sends would repeat it, URL and all, on every re-read."""
    gangway_logging("INFO", "json")
    logging.getLogger("httpx").info('HTTP Request: GET https://api.stripe.com/v2/x "200 OK"')
    logging.getLogger("httpx").warning("httpx.trouble")
    logged = capsys.readouterr().err
    assert "httpx.trouble" in logged
    assert "HTTP Request" not in logged


async def test_expired_sessions_and_spent_windows_are_swept(
    app: FastAPI, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    services: Services = app.state.services
    await signup(client, unique_email())
    await services.limiter.hit("links:someone", 10, timedelta(minutes=1))
    async with services.db.write() as session:
        await session.execute(
            sa.text("UPDATE sessions SET expires_at = :past"), {"past": utcnow() - timedelta(1)}
        )
        await session.execute(
            sa.text("UPDATE rate_limits SET window_started_at = :past"),
            {"past": utcnow() - timedelta(days=2)},
        )
    assert await services.auth.sweep_expired_sessions() == 1
    # The sign-up's own per-IP window and the one hit above.
    assert await services.limiter.sweep(older_than=timedelta(days=1)) == 2
    async with services.db.read() as session:
        left = await session.execute(
            sa.text("SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM rate_limits)")
        )
        assert left.scalar_one() == 0


@pytest.mark.parametrize(
    "body",
    [
        notification(event_id="evt_" + "x" * 300),
        {**notification(), "type": "v2.core.account." + "y" * 200},
    ],
    ids=["long-id", "long-type"],
)
async def test_an_over_long_event_is_a_400_not_a_500(make_bff: Any, body: dict[str, Any]) -> None:
    bff = await make_bff(stripe_webhook_secrets=[SECRET])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bff), base_url="http://127.0.0.1:8000"
    ) as stripe_side:
        response = await deliver(stripe_side, body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
