"""Stripe failures as domain errors, each carrying the status the BFF answers with."""

from __future__ import annotations

from gangway.core.errors import (
    BadGateway,
    BadRequest,
    Conflict,
    ServiceUnavailable,
    TooManyRequests,
)


class StripeRateLimited(TooManyRequests):
    """Stripe said 429: pass the wait on to the merchant."""

    slug, title = "stripe-rate-limited", "Stripe is rate-limiting requests"


class StripeUnavailable(ServiceUnavailable):
    """Stripe answered 5xx, timed out or dropped the connection."""

    slug, title = "stripe-unavailable", "Stripe is temporarily unavailable"


class StripeRejected(BadGateway):
    """Stripe refused the request as invalid; the details stay in our logs."""

    slug, title = "stripe-rejected", "Stripe rejected the request"


class StripeConflict(Conflict):
    """An idempotency key was reused with different parameters."""

    slug, title = "stripe-conflict", "A conflicting request is already on record at Stripe"


class WebhookSignatureInvalid(BadRequest):
    slug, title = "invalid-signature", "Invalid webhook signature"
