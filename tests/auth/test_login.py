"""Sign-up and sign-in: validation, generic errors, no enumeration, throttling, hashing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gangway.auth.passwords import PasswordHasher
from gangway.core.config import Settings
from tests.support.api import STRONG_PASSWORD, make_client, post, signup


async def _login(client: httpx.AsyncClient, email: str, password: str, **kw: Any) -> httpx.Response:
    return await post(client, "/api/auth/login", {"email": email, "password": password}, **kw)


async def test_signup_signs_in(client: httpx.AsyncClient, unique_email: Callable[[], str]) -> None:
    email = unique_email()
    body = await signup(client, email.upper(), business_name="  Acme Ltd ")
    assert body["merchant"]["email"] == email
    assert body["merchant"]["business_name"] == "Acme Ltd"
    assert (await client.get("/api/auth/session")).json()["merchant"]["email"] == email


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "12 characters"),
        ("password1234", "too common"),
        ("aaaaaaaaaaaaaaa", "too common"),
        # Long enough, yet guessable: an 11-entry list let these through.
        ("Passw0rd1234", "too common"),
        ("password12345", "too common"),
        ("Summer2024!!", "too common"),
        ("Acme Widgets Acme Widgets", "too common"),  # the business name, twice
    ],
)
async def test_weak_passwords_get_a_clear_422(
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
    password: str,
    fragment: str,
) -> None:
    response = await post(
        client,
        "/api/auth/signup",
        {"email": unique_email(), "password": password, "business_name": "Acme Widgets"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert fragment in response.json()["detail"]
    assert response.json()["type"].endswith("/weak-password")


async def test_invalid_email_is_422(client: httpx.AsyncClient) -> None:
    response = await post(
        client,
        "/api/auth/signup",
        {"email": "not-an-email", "password": STRONG_PASSWORD, "business_name": "Acme"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "email"]


async def test_duplicate_email_is_409(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await signup(client, email)
    response = await post(
        client,
        "/api/auth/signup",
        {"email": email, "password": STRONG_PASSWORD, "business_name": "Other"},
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/email-taken")


async def test_unknown_email_and_wrong_password_look_identical(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await signup(client, email)
    await post(client, "/api/auth/logout")
    wrong = await _login(client, email, "wrong password entirely")
    async with make_client(app) as other:
        unknown = await _login(other, unique_email(), "wrong password entirely")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"] == "Invalid email or password."
    # A request id differs per request by design; everything else must match.
    strip = {"set-cookie", "date", "content-length", "x-request-id"}
    assert {k: v for k, v in wrong.headers.items() if k not in strip} == {
        k: v for k, v in unknown.headers.items() if k not in strip
    }


async def test_unknown_email_costs_a_password_verification(settings: Settings) -> None:
    hasher = PasswordHasher(settings)
    calls: list[str] = []
    original = hasher._hash.verify

    def spy(password: str | bytes, hash: str | bytes) -> bool:
        calls.append(str(hash))
        return original(password, hash)

    hasher._hash.verify = spy  # type: ignore[method-assign]
    assert await hasher.verify("whatever", None) is False
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


async def test_login_is_throttled_per_account(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_account=3))
    email = unique_email()
    async with make_client(app) as client:
        await signup(client, email)
        await post(client, "/api/auth/logout")
        statuses = [(await _login(client, email, "wrong password x")).status_code for _ in range(3)]
        assert statuses == [401, 401, 401]
        blocked = await _login(client, email, STRONG_PASSWORD)
    assert blocked.status_code == 429
    retry_after = int(blocked.headers["retry-after"])
    assert 0 < retry_after <= 15 * 60 + 1
    assert blocked.json()["retry_after"] == retry_after
    assert blocked.json()["type"].endswith("/login-throttled")


async def test_login_is_throttled_per_ip(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_ip=4))
    async with make_client(app) as client:
        for _ in range(4):
            assert (await _login(client, unique_email(), "wrong password x")).status_code == 401
        response = await _login(client, unique_email(), "wrong password x")
    assert response.status_code == 429
    assert "retry-after" in response.headers


async def test_successful_login_resets_the_account_counter(
    app_factory: Callable[[Settings], Any],
    make_settings: Callable[..., Settings],
    unique_email: Callable[[], str],
) -> None:
    app = await app_factory(make_settings(login_max_failures_per_account=3))
    email = unique_email()
    async with make_client(app) as client:
        await signup(client, email)
        await post(client, "/api/auth/logout")
        for _ in range(2):
            await _login(client, email, "wrong password x")
        assert (await _login(client, email, STRONG_PASSWORD)).status_code == 200
        await post(client, "/api/auth/logout")
        for _ in range(2):
            assert (await _login(client, email, "wrong password x")).status_code == 401
        assert (await _login(client, email, STRONG_PASSWORD)).status_code == 200


def test_production_argon2id_parameters() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    hasher = PasswordHasher(settings)
    encoded = hasher._dummy
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


async def test_stored_hash_is_argon2id(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    import sqlalchemy as sa

    await signup(client, unique_email())
    async with app.state.services.db.read() as session:
        stored = (
            await session.execute(sa.text("SELECT password_hash FROM merchants"))
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert STRONG_PASSWORD not in stored


async def test_concurrent_logins_all_succeed(
    client: httpx.AsyncClient, app: Any, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await signup(client, email)

    async def one() -> int:
        async with make_client(app) as c:
            return (await _login(c, email, STRONG_PASSWORD)).status_code

    assert await asyncio.gather(*(one() for _ in range(5))) == [200] * 5


async def test_a_very_long_password_is_scored_not_a_500(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    """zxcvbn refuses input over 72 characters; found by schemathesis as a 500."""
    response = await post(
        client,
        "/api/auth/signup",
        {"email": unique_email(), "password": "long winding phrase " * 40, "business_name": "A"},
    )
    assert response.status_code in {201, 422}, response.text
