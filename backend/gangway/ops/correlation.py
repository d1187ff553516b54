"""A request id on every log line of a request, and on its response (``X-Request-ID``).

An incoming ``X-Request-ID`` (from a proxy or load balancer that already tagged the request) is
kept when it is a short, plain token; anything else is replaced by a fresh random id, so a client
can neither inject text into the logs nor pass a secret through them.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gangway.core.logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
# Letters, digits and ``._-``, 8 to 64 characters: uuids, ULIDs, proxies' hex ids.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str | None:
    """``value`` when it is a sane request id, else None."""
    if value is None or _SANE_ID.fullmatch(value) is None:
        return None
    return value


class RequestIdMiddleware:
    """Sets the request id for the request's lifetime and echoes it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next(
            (value for key, value in scope["headers"] if key == _HEADER_KEY),
            None,
        )
        request_id = (
            accepted_request_id(incoming.decode("latin-1") if incoming is not None else None)
            or new_request_id()
        )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = request_id_var.set(request_id)
        await self.app(scope, receive, send_wrapper)
        # Reset on success only: when the app raises, the server-error handler outside this
        # middleware logs the failure next, and that line belongs to this request too. Under
        # uvicorn every request runs in a task of its own, so nothing leaks into the next one.
        request_id_var.reset(token)
