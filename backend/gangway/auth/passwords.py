"""Password hashing with Argon2id (pwdlib) and the password policy."""

from __future__ import annotations

import anyio.to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from gangway.core.config import Settings

MIN_LENGTH = 12
# The most common passwords of at least MIN_LENGTH characters in public breach lists, and
# patterns that pass a length check yet are trivially guessed.
_COMMON = {
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "iloveyou1234",
    "1q2w3e4r5t6y",
    "qwerty123456",
    "administrator",
    "letmein12345",
    "welcome12345",
    "changeme1234",
}


def password_problem(password: str, email: str, min_length: int = MIN_LENGTH) -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return "This password is too common or repetitive; choose another."
    if email and email.split("@")[0] in lowered and len(email.split("@")[0]) >= 4:
        return "The password must not contain your email address."
    return None


class PasswordHasher:
    """Argon2id hashing run off the event loop, with a dummy hash for unknown accounts."""

    def __init__(self, settings: Settings) -> None:
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    memory_cost=settings.argon2_memory_kib,
                    time_cost=settings.argon2_time_cost,
                    parallelism=settings.argon2_parallelism,
                ),
            )
        )
        # Verifying against this costs what a real verification costs, so an unknown email
        # takes as long to refuse as a wrong password.
        self._dummy = self._hash.hash("gangway-dummy-password-for-timing")

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        target = password_hash or self._dummy
        ok = await anyio.to_thread.run_sync(self._hash.verify, password, target)
        return ok and password_hash is not None
