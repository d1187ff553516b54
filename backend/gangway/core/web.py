"""HTTP plumbing shared by the app: the security headers' values and serving the built SPA."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

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


# The interactive API docs load their assets from a CDN; they get no Content Security Policy.
DOCS_PATHS = ("/docs", "/redoc")


def too_large(limit: int) -> Response:
    """The 413 problem for a body over ``limit`` bytes."""
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
