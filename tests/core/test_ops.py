"""Ops endpoints and the committed OpenAPI schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from gangway.main import create_app
from tests.support.settings import FAST_ARGON2

REPO = Path(__file__).resolve().parents[2]


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_metrics_count_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert (
        'gangway_http_requests_total{method="GET",route="/healthz",status="200"} 1.0'
        in response.text
    )


def test_committed_openapi_matches_the_app() -> None:
    from gangway.core.config import Settings

    app = create_app(Settings(_env_file=None, **FAST_ARGON2))  # type: ignore[call-arg]
    committed = json.loads((REPO / "openapi.json").read_text())
    assert committed == app.openapi(), "openapi.json is stale: run `make openapi`"


def test_schema_documents_errors_security_and_operation_ids() -> None:
    schema: dict[str, Any] = json.loads((REPO / "openapi.json").read_text())
    schemes = schema["components"]["securitySchemes"]
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert schemes["csrfToken"]["name"] == "X-CSRF-Token"
    seen_ids: set[str] = set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            op_id = operation["operationId"]
            assert op_id.isidentifier() and op_id == op_id.lower(), op_id
            assert op_id not in seen_ids
            seen_ids.add(op_id)
            assert operation.get("tags"), f"{method} {path} has no tag"
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        status,
                    )
            if path.startswith("/api/") and path != "/api/auth/session":
                assert operation["security"], f"{method} {path} declares no security"
            if method == "post" and path.startswith("/api/"):
                assert "csrfToken" in operation["security"][0]
