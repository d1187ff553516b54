"""``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Literal

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, SecretStr

from gangway.core.deps import DatabaseDep, SettingsDep
from gangway.core.errors import NotFound, ServiceUnavailable, problem_responses
from gangway.core.migrations import current_revisions, schema_state
from gangway.ops.metrics import Metrics

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: Literal["ok"]


@router.head("/healthz", include_in_schema=False)  # load balancers probe with HEAD too
@router.get("/healthz", name="healthz", summary="Liveness", response_model=Health)
async def healthz() -> Health:
    """The process is up. Touches nothing else."""
    return Health(status="ok")


@router.get(
    "/readyz",
    name="readyz",
    summary="Readiness: database reachable and migrated to head",
    response_model=Health,
    responses=problem_responses(503),
)
async def readyz(request: Request, db: DatabaseDep) -> Health:
    try:
        await db.ping()
        current = await current_revisions(db)
    except Exception as exc:
        raise ServiceUnavailable("The database is unreachable.", retry_after=5) from exc
    # A schema ahead of this code (a newer release migrated first, mid rolling deploy) is fine.
    if schema_state(current, request.app.state.migration_heads) == "behind":
        raise ServiceUnavailable(
            "The database schema is not at the latest migration; run `make migrate`.",
            retry_after=30,
        )
    return Health(status="ok")


_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _metrics_allowed(request: Request, token: SecretStr | None) -> bool:
    """With a token configured, only its bearer; without one, only this machine (loopback)."""
    if token is not None:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token.get_secret_value()}".encode())
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _LOOPBACK)


@router.get(
    "/metrics",
    name="metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Metrics"},
        **problem_responses(404),
    },
)
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """For the platform's Prometheus only: with `GANGWAY_METRICS_TOKEN` set, send it as a
    bearer token; without it, only requests from this machine are answered. Anyone else gets
    404, as if there were nothing here."""
    if not _metrics_allowed(request, settings.metrics_token):
        raise NotFound("No such page.")
    app_metrics: Metrics = request.app.state.services.metrics
    return Response(generate_latest(app_metrics.registry), media_type=CONTENT_TYPE_LATEST)
