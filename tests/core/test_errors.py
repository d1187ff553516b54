"""Every error is RFC 9457 problem+json with a stable type; never a stack trace."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from gangway.core.config import Settings
from tests.support.api import post


def _assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://gangway.dev/problems/{slug}"
    assert body["title"]
    return body


async def test_unknown_api_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    _assert_problem(await client.get("/api/nope"), 404, "not-found")


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/auth/session")
    _assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["allow"]


async def test_invalid_body_is_a_422_problem(client: httpx.AsyncClient) -> None:
    response = await post(client, "/api/auth/signup", {"email": "a@example.com"})
    body = _assert_problem(response, 422, "validation-error")
    locs = [tuple(err["loc"]) for err in body["errors"]]
    assert ("body", "password") in locs
    assert "password" in body["detail"]


async def test_malformed_json_is_a_422_problem(client: httpx.AsyncClient) -> None:
    token = (await client.get("/api/auth/session")).json()["csrf_token"]
    response = await client.post(
        "/api/auth/login",
        content=b"{not json",
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
    )
    _assert_problem(response, 422, "validation-error")


async def test_unexpected_errors_are_a_500_problem_without_details(
    app_factory: Any, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = await app_factory(settings)
    boom = APIRouter()

    @boom.get("/api/boom")
    async def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.router.routes.insert(0, boom.routes[0])
    # Starlette re-raises after answering so servers can log it; the client sees the answer.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        response = await client.get("/api/boom")
    body = _assert_problem(response, 500, "internal-error")
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "detail" not in body
    assert any(r.getMessage() == "http.unhandled_error" for r in caplog.records)
