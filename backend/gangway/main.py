"""The FastAPI application: ``create_app(settings)`` wires every domain together.

Run it with ``uvicorn gangway.main:app`` (``make dev`` does). Tests call ``create_app`` with
their own settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from gangway.accounts.endpoints import router as accounts_router
from gangway.auth.endpoints import router as auth_router
from gangway.container import open_services, run_background
from gangway.core.config import Settings
from gangway.core.errors import install_error_handlers, problem_responses
from gangway.core.logging import configure_logging
from gangway.core.migrations import head_revisions, upgrade_to_head
from gangway.core.openapi import install_openapi
from gangway.core.web import content_security_policy, spa_router
from gangway.onboarding.connect import router as connect_router
from gangway.onboarding.endpoints import config_router
from gangway.onboarding.endpoints import router as onboarding_router
from gangway.ops.edge import EdgeMiddleware
from gangway.ops.endpoints import router as ops_router
from gangway.ops.metrics import Metrics
from gangway.ops.serve import tune_garbage_collector
from gangway.webhooks.endpoints import router as webhooks_router

DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"


def _operation_id(route: APIRoute) -> str:
    """Stable, readable operationIds: the route's name (e.g. ``create_onboarding_link``)."""
    return route.name


def _include_api(app: FastAPI, router: APIRouter) -> None:
    """An ``/api`` router (its routes run the CSRF checks on unsafe methods: ``ApiRoute``)."""
    app.include_router(router, responses=problem_responses(400, 401, 403, 413, 415))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Its services are built in the lifespan and kept on ``app.state.services``."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            await upgrade_to_head(settings)
        app.state.migration_heads = head_revisions()
        async with open_services(settings, metrics) as services, run_background(services):
            app.state.services = services
            yield

    app = FastAPI(
        title="Gangway",
        version="0.1.0",
        summary="Onboard your platform's merchants onto Stripe Connect.",
        description=(
            "The backend-for-frontend of the Gangway merchant dashboard. Every endpoint under "
            "`/api` is authenticated by the session cookie; every POST also needs the session's "
            "CSRF token in `X-CSRF-Token` and a JSON body. Errors are RFC 9457 "
            "`application/problem+json`."
        ),
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        telemetry={
            "tracing": settings.opentelemetry,
            "metrics": settings.opentelemetry,
            "logs": settings.opentelemetry,
        },
        openapi_tags=[
            {"name": "auth", "description": "Sign-up, sign-in and the session."},
            {"name": "account", "description": "Your connected Stripe account."},
            {
                "name": "onboarding",
                "description": "Links to Stripe-hosted onboarding, sessions for embedded "
                "onboarding, and the status.",
            },
            {"name": "connect", "description": "Where Stripe sends the browser back."},
            {
                "name": "webhooks",
                "description": "Stripe's signed event notifications (no session, no CSRF token).",
            },
            {"name": "ops", "description": "Liveness, readiness and metrics."},
        ],
        responses=problem_responses(500),
    )
    install_error_handlers(app)
    install_openapi(app)

    # Routes are matched in the order they are included: the hottest first (Stripe's
    # deliveries, then the status reads and streams).
    app.include_router(webhooks_router)  # signature-authenticated: no session, no CSRF token
    _include_api(app, onboarding_router)
    app.include_router(ops_router)
    _include_api(app, auth_router)
    _include_api(app, accounts_router)
    _include_api(app, config_router)
    app.include_router(connect_router)
    app.include_router(spa_router(settings.frontend_dist or DEFAULT_DIST))

    app.add_middleware(
        EdgeMiddleware,
        metrics=metrics,
        csp=content_security_policy(settings),
        hsts=settings.secure_cookies,
        body_limit=settings.max_body_bytes,
        body_limits_by_prefix={"/webhooks/": settings.max_webhook_body_bytes},
    )
    return app


def _default_app() -> FastAPI:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    tune_garbage_collector()
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn gangway.main:app` builds the app on first access, so importing this module
    # (tests, tools) reads no environment.
    if name == "app":
        return _default_app()
    raise AttributeError(name)
