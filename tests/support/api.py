"""Helpers that drive the BFF like the SPA does: a same-origin client, a CSRF token, then POST."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.settings import BASE_URL

STRONG_PASSWORD = "correct horse battery staple"


def make_client(app: FastAPI, **kwargs: Any) -> httpx.AsyncClient:
    """A client that looks like our SPA: same-origin fetch metadata on every request."""
    headers = {"Sec-Fetch-Site": "same-origin", **kwargs.pop("headers", {})}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers=headers,
        **kwargs,
    )


async def csrf_token(client: httpx.AsyncClient) -> str:
    response = await client.get("/api/auth/session")
    response.raise_for_status()
    token: str = response.json()["csrf_token"]
    return token


async def post(
    client: httpx.AsyncClient, path: str, body: Any = None, **kwargs: Any
) -> httpx.Response:
    """POST JSON with the current session's CSRF token."""
    token = await csrf_token(client)
    headers = {"X-CSRF-Token": token, **kwargs.pop("headers", {})}
    return await client.post(path, json=body if body is not None else {}, headers=headers, **kwargs)


async def signup(
    client: httpx.AsyncClient,
    email: str,
    password: str = STRONG_PASSWORD,
    business_name: str = "Acme",
) -> dict[str, Any]:
    """Sign up (and so sign in) a merchant; returns the session body."""
    response = await post(
        client,
        "/api/auth/signup",
        {"email": email, "password": password, "business_name": business_name},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
