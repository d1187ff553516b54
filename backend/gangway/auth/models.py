"""Tables for merchants, their sessions and sign-in throttling."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlmodel import Column, Field, SQLModel

from gangway.core.db import UTCDateTime, utcnow


def _new_id() -> str:
    return str(uuid4())


class MerchantBase(SQLModel):
    email: str = Field(max_length=320)
    business_name: str = Field(max_length=200)


class Merchant(MerchantBase, table=True):
    """A platform user who onboards onto Stripe. Emails are stored lower-cased."""

    __tablename__ = "merchants"

    id: str = Field(default_factory=_new_id, primary_key=True, max_length=36)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class AuthSession(SQLModel, table=True):
    """A server-side session. Only the SHA-256 of the cookie's token is stored.

    A session without a merchant is a pre-login session: it carries the CSRF token the
    sign-in and sign-up forms need, and is replaced (rotated) when someone signs in.
    """

    __tablename__ = "sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    merchant_id: str | None = Field(
        default=None, foreign_key="merchants.id", ondelete="CASCADE", index=True, max_length=36
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
