"""HTTP plumbing shared by the app: security headers and serving the built SPA."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gangway.core.config import Settings
from gangway.core.errors import NotFound, allowed_methods, problem_response

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # No Referer leaves our pages, so nothing of ours travels to Stripe or elsewhere.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Connect embedded components, as Stripe's security guide lists them: Connect.js and Stripe.js
# scripts and frames, images from Stripe. Their API calls go to Stripe's hosts. (Stripe's
# style-src hash for the empty style element is not listed: 'unsafe-inline' already admits it,
# and a hash would switch 'unsafe-inline' off.)
STRIPE_CONNECT_SCRIPTS = ("https://connect-js.stripe.com", "https://js.stripe.com")
STRIPE_HOSTS = "https://*.stripe.com"


def content_security_policy(settings: Settings) -> str:
    """The pages' policy: our own origin, Stripe's Connect embedded components and, in
    emulator mode, the emulator (its Connect.js stand-in and the JSON API it calls)."""
    emulator = [settings.stripe_api_origin] if settings.stripe_emulated else []
    scripts = ["'self'", *STRIPE_CONNECT_SCRIPTS, *emulator]
    directives = {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", STRIPE_HOSTS, *emulator],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": scripts,
        "connect-src": ["'self'", STRIPE_HOSTS, *emulator],
        "frame-src": [*STRIPE_CONNECT_SCRIPTS, *emulator],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(
        f"{name} {' '.join(dict.fromkeys(values))}" for name, values in directives.items()
    )


# The interactive API docs load their assets from a CDN; they get a looser policy.
_DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds the security headers, and the policy ``csp``, to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool, csp: str) -> None:
        self.app = app
        self.hsts = hsts
        self.headers = {**SECURITY_HEADERS, "Content-Security-Policy": csp}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"].startswith(_DOCS_PATHS)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if is_docs and name == "Content-Security-Policy":
                        continue
                    headers.setdefault(name, value)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=63072000")
            await send(message)

        await self.app(scope, receive, send_wrapper)


class BodySizeLimitMiddleware:
    """Refuse request bodies over a limit with a 413 problem, before they are buffered.

    A declared ``Content-Length`` over the limit is answered at once; a body sent without one
    (chunked) is counted as it arrives, and reading stops at the first byte over the limit.
    """

    def __init__(
        self, app: ASGIApp, *, limit: int, limits_by_prefix: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.limits_by_prefix = limits_by_prefix or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.limits_by_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(limit)(scope, receive, send)
            return
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

        await self.app(scope, limited_receive, send)


def _too_large(limit: int) -> Response:
    return problem_response(
        413, "payload-too-large", "Payload too large", f"The request body is over {limit} bytes."
    )


_NOT_SPA = ("api/", "connect/", "webhooks/", "_")


def spa_router(dist: Path | None) -> APIRouter:
    """Serve the built SPA: real files as they are, any other page path as ``index.html``.

    It is the last route: a GET that reaches it matched no API route. A known API path asked
    with GET but served with other methods gets 405 with ``Allow``; anything else outside the
    SPA, 404.
    """
    router = APIRouter(include_in_schema=False)

    @router.get("/{path:path}")
    def spa(path: str, request: Request) -> Response:  # sync: file checks run in a thread
        if path.startswith(_NOT_SPA):
            if allowed := allowed_methods(request):
                raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
            raise NotFound("No such page.")
        if dist is None or not (dist / "index.html").is_file():
            raise NotFound("No such page." if dist else "The SPA is not built; run `make build`.")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            cache = (
                "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
            )
            return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(dist / "index.html", headers={"Cache-Control": "no-cache"})

    return router
