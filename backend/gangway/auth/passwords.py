"""Password hashing with Argon2id (pwdlib) and the password policy."""

from __future__ import annotations

import anyio.to_thread
import zxcvbn  # type: ignore[import-untyped]
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from gangway.core.config import Settings

MIN_LENGTH = 12
# zxcvbn's top score: at least 10^10 guesses, "strong protection from an offline slow-hash
# scenario". Lower scores let through passwords such as "Summer2024!!".
MIN_SCORE = 4
# zxcvbn refuses passwords over 72 characters (its cost grows with length): score a prefix.
SCORED_PREFIX = 72


def password_problem(
    password: str, email: str, min_length: int = MIN_LENGTH, business_name: str = ""
) -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable (says why in words)."""
    if len(password) < min_length:
        return f"Use at least {min_length} characters."
    local_part = email.split("@")[0] if email else ""
    if len(local_part) >= 4 and local_part in password.lower():
        return "The password must not contain your email address."
    inputs = [x for x in (email, local_part, business_name) if x]
    result = zxcvbn.zxcvbn(password[:SCORED_PREFIX], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    hints = " ".join([feedback.get("warning") or "", *feedback.get("suggestions", [])]).strip()
    return "This password is too common or easy to guess. " + (
        hints or "Add another word or two; uncommon words are better."
    )


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
