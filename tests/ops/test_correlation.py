"""Correlation in the JSON logs: a request id on every line of a request, and a webhook event's
id on every line from its receipt to the fan-out of the account change it caused."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gangway.core.logging import JsonFormatter, RedactingFilter, ShutdownCancellationFilter
from gangway.ops.correlation import accepted_request_id
from tests.support.api import post
from tests.support.webhooks import (
    SECRET,
    WEBHOOK_PATH,
    inbox_settled,
    notification,
    signed_request,
)

GENERATED = re.compile(r"[0-9a-f]{32}")


class _Lines(logging.Handler):
    """Keeps every record as the JSON object production would print."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.addFilter(RedactingFilter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def json_logs() -> Iterator[list[dict[str, Any]]]:
    handler = _Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("req-0123456789", True),
        ("3f2c1a0e-5b7d-4c8e-9a6f-0d1e2f3a4b5c", True),
        ("01HZX3K9V7Q2M8N4P6R5T1W0YA", True),
        ("short", False),
        ("x" * 65, False),
        ("has space in it", False),
        ("line\nbreak-injected", False),
        ('{"json":"injection"}', False),
        ("https://example.com/path", False),
    ],
)
def test_only_a_sane_incoming_request_id_is_kept(incoming: str, kept: bool) -> None:
    assert (accepted_request_id(incoming) == incoming) is kept


async def test_each_response_carries_its_request_id(merchant: httpx.AsyncClient) -> None:
    first = await merchant.get("/api/auth/session")
    second = await merchant.get("/healthz")
    assert GENERATED.fullmatch(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    given = await merchant.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e41"})
    assert given.headers["x-request-id"] == "lb-7f3a9c2e41"
    refused = await merchant.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert GENERATED.fullmatch(refused.headers["x-request-id"])
    # Errors too: problem+json answers come from inside the middleware.
    missing = await merchant.get("/api/nothing-here", headers={"X-Request-ID": "req-404-check"})
    assert missing.status_code == 404
    assert missing.headers["x-request-id"] == "req-404-check"


async def test_every_line_of_a_request_shares_its_request_id(
    merchant: httpx.AsyncClient, json_logs: list[dict[str, Any]]
) -> None:
    json_logs.clear()
    response = await post(
        merchant,
        "/api/auth/login",
        {"email": "nobody@example.com", "password": "not the password at all"},
        headers={"X-Request-ID": "req-login-0001"},
    )
    assert response.status_code == 401
    failed = [line for line in json_logs if line["event"] == "auth.login.failed"]
    assert len(failed) == 1
    assert failed[0]["request_id"] == "req-login-0001"
    # Every line logged while handling it carries the id (the CSRF-token GET has its own).
    ours = [line for line in json_logs if line.get("request_id") == "req-login-0001"]
    assert ours == [line for line in json_logs if line["event"].startswith("auth.login")]


async def test_one_event_is_followed_from_receipt_to_fan_out_by_its_id(
    bff: FastAPI,
    onboarded_merchant: httpx.AsyncClient,
    json_logs: list[dict[str, Any]],
) -> None:
    account = await onboarded_merchant.get("/api/account")
    account_id = account.json()["id"]
    db = bff.state.services.db
    await inbox_settled(db)
    json_logs.clear()

    body = notification(account_id)
    event_id = body["id"]
    content, headers = signed_request(body)
    response = await onboarded_merchant.post(
        WEBHOOK_PATH, content=content, headers={**headers, "X-Request-ID": "stripe-delivery-0001"}
    )
    assert response.status_code == 200, response.text
    rows = await inbox_settled(db)
    assert [r.status for r in rows if r.event_id == event_id] == ["done"]

    trail = [line for line in json_logs if line.get("event_id") == event_id]
    names = [line["event"] for line in trail]
    # Receipt (in the request), then the worker: the account update and its fan-out.
    assert names[0] == "stripe.webhook.received"
    for later in ("accounts.sync.applied", "changes.published", "webhooks.inbox.synced"):
        assert later in names, names
    assert names.index("accounts.sync.applied") < names.index("changes.published")
    assert trail[0]["request_id"] == "stripe-delivery-0001"
    # The worker's lines are not the request's: no request id leaks into background work.
    assert all("request_id" not in line for line in trail[1:])
    # The worker's re-read from Stripe is logged by the gateway, with the events' ids.
    assert "stripe.request" in names
    # Nothing secret in any line: not the signing secret, not the API key.
    text = json.dumps(json_logs)
    assert SECRET not in text
    assert "sk_test_" not in text


def test_a_request_cancelled_at_shutdown_is_not_logged_as_an_error() -> None:
    try:
        raise asyncio.CancelledError
    except asyncio.CancelledError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "uvicorn.error",
        logging.ERROR,
        __file__,
        1,
        "Exception in ASGI application\n",
        None,
        exc_info,
    )
    assert ShutdownCancellationFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "info"
    assert line["event"] == "http.request.cancelled_at_shutdown"
    assert "error_type" not in line
    other = logging.LogRecord(
        "uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application\n", None, None
    )
    assert ShutdownCancellationFilter().filter(other)
    assert other.levelno == logging.ERROR
