"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from gangway.auth.models import AuthSession, LoginThrottle, Merchant

metadata = SQLModel.metadata

__all__ = ["AuthSession", "LoginThrottle", "Merchant", "metadata"]
