"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the
# platform's business; we only reject what is plainly not an address.
# Control characters (NUL among them) are refused: PostgreSQL cannot store NUL in text.
_EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


def _lower(value: str) -> str:
    return value.strip().lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=_EMAIL_PATTERN),
    AfterValidator(_lower),
]


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(examples=["merchant@example.com"])
    password: str = Field(max_length=1024, description="At least 12 characters; not a common one.")
    business_name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_PRINTABLE),
    ]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: str = Field(max_length=1024)


class MerchantPublic(BaseModel):
    id: str
    email: str
    business_name: str


class SessionPublic(BaseModel):
    """Who is signed in (``merchant`` is null before sign-in) and the CSRF token to send."""

    merchant: MerchantPublic | None
    csrf_token: str = Field(description="Send it as X-CSRF-Token on every POST.")
    expires_at: datetime = Field(description="When the session ends at the latest.")
