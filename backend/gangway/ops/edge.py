"""The one middleware every HTTP request passes through.

It does, in one layer (each used to be a middleware of its own, and four layers of ``send``
wrappers cost a fifth of a cached read):

- the request id: set for the request's lifetime (every log line has it) and echoed in
  ``X-Request-ID``;
- metrics: requests counted and timed by route template, never by raw path;
- security headers, and the pages' Content Security Policy (a looser one for the API docs);
- the body limit: a body over the limit is refused with a 413 problem before it is buffered.
"""

from __future__ import annotations

import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gangway.core.logging import request_id_var
from gangway.core.web import DOCS_PATHS, SECURITY_HEADERS, too_large
from gangway.ops.correlation import REQUEST_ID_HEADER, accepted_request_id, new_request_id
from gangway.ops.metrics import Metrics

Headers = list[tuple[bytes, bytes]]

_REQUEST_ID = REQUEST_ID_HEADER.lower().encode("latin-1")
_CONTENT_LENGTH = b"content-length"
_TRANSFER_ENCODING = b"transfer-encoding"


def _encoded(headers: dict[str, str]) -> Headers:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


class EdgeMiddleware:
    """Request id, metrics, security headers and the body limit, for every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        csp: str,
        hsts: bool,
        body_limit: int,
        body_limits_by_prefix: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        extra = {"Strict-Transport-Security": "max-age=63072000"} if hsts else {}
        # Encoded once: a response only appends them (those it set itself are kept).
        self._docs_headers = _encoded({**SECURITY_HEADERS, **extra})
        self._headers = _encoded({**SECURITY_HEADERS, "Content-Security-Policy": csp, **extra})
        self.body_limit = body_limit
        self.body_limits_by_prefix = body_limits_by_prefix or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.body_limits_by_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path: str = scope["path"]
        incoming_id = declared_length = None
        chunked = False
        for name, value in scope["headers"]:
            if name == _CONTENT_LENGTH:
                declared_length = value
            elif name == _TRANSFER_ENCODING:
                chunked = True
            elif name == _REQUEST_ID:
                incoming_id = value
        request_id = (
            accepted_request_id(incoming_id.decode("latin-1") if incoming_id is not None else None)
            or new_request_id()
        )
        added = self._docs_headers if path.startswith(DOCS_PATHS) else self._headers
        request_id_header = (_REQUEST_ID, request_id.encode("latin-1"))
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers: Headers = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() != _REQUEST_ID
                ]
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
                headers.append(request_id_header)
                message = {**message, "headers": headers}
            await send(message)

        token = request_id_var.set(request_id)
        try:
            limit = self._limit_for(path)
            if declared_length is not None and (
                not declared_length.isdigit() or int(declared_length) > limit
            ):
                await too_large(limit)(scope, receive, send_wrapper)
            elif chunked:
                await self.app(scope, _limited(receive, limit), send_wrapper)
            else:
                # A declared length is enforced by the server's HTTP parser; no body without one.
                await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(
                scope["method"], template, status, time.perf_counter() - start
            )
        # Reset on success only: when the app raises, the server-error handler outside this
        # middleware logs the failure next, and that line belongs to this request too. Under
        # uvicorn every request runs in a task of its own, so nothing leaks into the next one.
        request_id_var.reset(token)


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that counts a body sent without a declared length (chunked)."""
    received = 0

    async def limited_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # FastAPI passes HTTPExceptions from body parsing through to the handlers,
                # which answer with a problem (see core.errors).
                raise HTTPException(413, f"The request body is over {limit} bytes.")
        return message

    return limited_receive
