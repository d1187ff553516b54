"""The only door to Stripe: every API call and webhook verification goes through here.

No other module imports ``stripe``. Callers get plain snapshots and typed domain errors.
"""

from gangway.stripe_gateway.client import StripeGateway
from gangway.stripe_gateway.errors import (
    StripeConflict,
    StripeRateLimited,
    StripeRejected,
    StripeUnavailable,
    WebhookSignatureInvalid,
)
from gangway.stripe_gateway.schemas import (
    AccountSessionResult,
    AccountSnapshot,
    EventNotification,
    LinkResult,
    LoginLinkResult,
    RequirementEntry,
)

__all__ = [
    "AccountSessionResult",
    "AccountSnapshot",
    "EventNotification",
    "LinkResult",
    "LoginLinkResult",
    "RequirementEntry",
    "StripeConflict",
    "StripeGateway",
    "StripeRateLimited",
    "StripeRejected",
    "StripeUnavailable",
    "WebhookSignatureInvalid",
]
