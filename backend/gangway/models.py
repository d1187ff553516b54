"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.auth.models import AuthSession, Merchant
from gangway.core.ratelimit import RateLimit
from gangway.onboarding.models import LinkAudit
from gangway.webhooks.models import InboxEvent, SyncState

metadata = SQLModel.metadata

__all__ = [
    "AccountCapability",
    "AccountRequirement",
    "AuthSession",
    "ConnectedAccount",
    "InboxEvent",
    "LinkAudit",
    "Merchant",
    "RateLimit",
    "SyncState",
    "metadata",
]
