"""CSRF: each of the three defences refuses on its own."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from tests.support.api import csrf_token, signup


@pytest.fixture
async def signed_in(client: httpx.AsyncClient, unique_email: Callable[[], str]) -> str:
    await signup(client, unique_email())
    return await csrf_token(client)


async def _logout(client: httpx.AsyncClient, **kwargs: object) -> httpx.Response:
    return await client.post("/api/auth/logout", **kwargs)  # type: ignore[arg-type]


async def _still_signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/api/auth/session")).json()["merchant"] is not None


async def test_missing_token_is_refused(client: httpx.AsyncClient, signed_in: str) -> None:
    response = await _logout(client, json={})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/csrf-failed")
    assert await _still_signed_in(client)


async def test_wrong_token_is_refused(client: httpx.AsyncClient, signed_in: str) -> None:
    response = await _logout(client, json={}, headers={"X-CSRF-Token": signed_in[:-2] + "xx"})
    assert response.status_code == 403
    assert await _still_signed_in(client)


async def test_another_sessions_token_is_refused(
    client: httpx.AsyncClient, signed_in: str, app: object
) -> None:
    from tests.support.api import make_client

    async with make_client(app) as other:
        foreign = await csrf_token(other)
    response = await _logout(client, json={}, headers={"X-CSRF-Token": foreign})
    assert response.status_code == 403
    assert await _still_signed_in(client)


async def test_cross_site_fetch_metadata_is_refused(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    response = await _logout(
        client,
        json={},
        headers={"X-CSRF-Token": signed_in, "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    response = await _logout(
        client,
        json={},
        headers={"X-CSRF-Token": signed_in, "Sec-Fetch-Site": "same-site"},
    )
    assert response.status_code == 403
    assert await _still_signed_in(client)


async def test_foreign_origin_is_refused_without_fetch_metadata(
    client: httpx.AsyncClient, signed_in: str
) -> None:
    del client.headers["Sec-Fetch-Site"]
    response = await _logout(
        client,
        json={},
        headers={"X-CSRF-Token": signed_in, "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    # Neither header: refused too (browsers always send one of them on a POST).
    response = await _logout(client, json={}, headers={"X-CSRF-Token": signed_in})
    assert response.status_code == 403
    # Our own origin passes.
    response = await _logout(
        client,
        json={},
        headers={"X-CSRF-Token": signed_in, "Origin": "http://127.0.0.1:8000"},
    )
    assert response.status_code == 204


async def test_non_json_body_is_refused_with_415(client: httpx.AsyncClient, signed_in: str) -> None:
    response = await _logout(
        client,
        content=b"{}",
        headers={"X-CSRF-Token": signed_in, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    response = await _logout(
        client,
        content=b"a=b",
        headers={
            "X-CSRF-Token": signed_in,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 415
    assert await _still_signed_in(client)


async def test_login_needs_the_pre_login_token(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "a@example.com", "password": "x" * 12}
    )
    assert response.status_code == 403


async def test_every_unsafe_api_operation_needs_the_token(
    client: httpx.AsyncClient, signed_in: str, app: FastAPI
) -> None:
    # The CSRF checks ride on each /api router's route class (ApiRoute), not on a router-wide
    # dependency: a router built without it would let its POSTs through. None may.
    unsafe = [
        (method, path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
        if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(unsafe) >= 8
    for method, path in unsafe:
        response = await client.request(method.upper(), path, json={})
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["type"].endswith("/csrf-failed"), (method, path)
    assert await _still_signed_in(client)
