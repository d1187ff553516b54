"""``StripeGateway``: async calls to Stripe's v2 API through the official SDK.

Every call has a bounded timeout and network retries (the SDK's), every create carries an
idempotency key, and every failure becomes one of the typed errors in ``errors.py``. Nothing
here logs a link URL, a key or a secret.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import stripe

from gangway.core.config import EMULATOR_API_BASE, EMULATOR_API_KEY, Settings
from gangway.core.db import utcnow
from gangway.ops.metrics import Metrics
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
    EventRecord,
    LinkResult,
    LoginLinkResult,
)

logger = logging.getLogger("gangway.stripe")

T = TypeVar("T")

ACCOUNT_INCLUDE = [
    "requirements",
    "future_requirements",
    "configuration.merchant",
    "defaults",
    "identity",
]
# Stripe's API version from which Account Links take no ``configurations`` parameter.
CONFIGURATIONS_DROPPED_IN = "2026-09-30"
SIGNATURE_TOLERANCE_SECONDS = 300
ACCOUNT_EVENT_TYPES = [
    "v2.core.account.created",
    "v2.core.account.updated",
    "v2.core.account.closed",
    "v2.core.account[requirements].updated",
    "v2.core.account[future_requirements].updated",
    "v2.core.account[identity].updated",
    "v2.core.account[defaults].updated",
    "v2.core.account[configuration.merchant].updated",
    "v2.core.account[configuration.merchant].capability_status_updated",
    "v2.core.account_link.returned",
]


class _DropSdkBodies(logging.Filter):
    """The SDK logs whole response bodies at DEBUG: an Account Link's URL would be among them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_SDK_LOGGER = logging.getLogger("stripe")
_SDK_LOGGER.addFilter(_DropSdkBodies())


def needs_configurations_param(api_version: str) -> bool:
    """True for API versions older than the one that dropped ``configurations``."""
    return api_version[:10] < CONFIGURATIONS_DROPPED_IN


def _retry_after(error: stripe.StripeError, default: int) -> int:
    headers = error.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1, int(float(value))) if value else default
    except ValueError:
        return default


class StripeGateway:
    """One per app. Holds the SDK client (and its connection pool) for the app's lifetime."""

    def __init__(self, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics
        api_key = (
            settings.stripe_api_key.get_secret_value()
            if settings.stripe_api_key
            else EMULATOR_API_KEY
        )
        base = settings.stripe_api_base or (EMULATOR_API_BASE if settings.uses_emulator else None)
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout_seconds)
        self._client = stripe.StripeClient(
            api_key,
            http_client=self._http,
            stripe_version=settings.stripe_api_version,
            max_network_retries=settings.stripe_max_network_retries,
            base_addresses={"api": base} if base else None,
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]

    # --- accounts

    async def create_account(
        self,
        *,
        idempotency_key: str,
        email: str,
        business_name: str,
        country: str,
        business_type: str | None,
    ) -> AccountSnapshot:
        """Create a v2 Account configured as a merchant with card payments requested."""
        identity: dict[str, Any] = {
            "country": country.lower(),
            "business_details": {"registered_name": business_name},
        }
        if business_type:
            identity["entity_type"] = business_type
        params: dict[str, Any] = {
            "contact_email": email,
            "display_name": business_name,
            "dashboard": self.settings.account_dashboard,
            "identity": identity,
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
            "defaults": {
                "responsibilities": {
                    "fees_collector": self.settings.fees_collector,
                    "losses_collector": self.settings.losses_collector,
                }
            },
            "include": ACCOUNT_INCLUDE,
        }
        account = await self._call(
            "accounts.create",
            lambda: self._client.v2.core.accounts.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            ),
        )
        return AccountSnapshot.from_stripe(account.to_dict(), utcnow())

    async def retrieve_account(self, account_id: str) -> AccountSnapshot:
        """A fresh read of the account with everything onboarding depends on included."""
        fetched_at = utcnow()  # taken before the call: a slow answer is not "newer"
        account = await self._call(
            "accounts.retrieve",
            lambda: self._client.v2.core.accounts.retrieve_async(
                account_id,
                {"include": ACCOUNT_INCLUDE},  # type: ignore[arg-type]
            ),
        )
        return AccountSnapshot.from_stripe(account.to_dict(), fetched_at)

    # --- account links

    async def create_account_link(
        self,
        *,
        account_id: str,
        use_case: str,
        collect: str,
        future_requirements: str,
        refresh_url: str,
        return_url: str,
    ) -> LinkResult:
        """Mint a single-use Account Link. Each mint is a new link: a fresh idempotency key."""
        options: dict[str, Any] = {
            "refresh_url": refresh_url,
            "return_url": return_url,
            "collection_options": {"fields": collect, "future_requirements": future_requirements},
        }
        if needs_configurations_param(self.settings.stripe_api_version):
            options["configurations"] = ["merchant"]
        params: dict[str, Any] = {
            "account": account_id,
            "use_case": {"type": use_case, use_case: options},
        }
        link = await self._call(
            "account_links.create",
            lambda: self._client.v2.core.account_links.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"gangway-link-{uuid.uuid4()}"},
            ),
        )
        data = link.to_dict()
        return LinkResult(
            url=data["url"], expires_at=data["expires_at"], created=data.get("created")
        )

    # --- embedded components and the Express dashboard (v1 endpoints; take v2 account ids)

    async def create_account_session(
        self, *, account_id: str, components: dict[str, dict[str, Any]]
    ) -> AccountSessionResult:
        """An Account Session for Connect embedded components; a new one on every call.

        ``components`` maps a component name to ``{"enabled": True, "features": {...}}``.
        """
        params: dict[str, Any] = {"account": account_id, "components": components}
        session = await self._call(
            "account_sessions.create",
            lambda: self._client.v1.account_sessions.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"gangway-account-session-{uuid.uuid4()}"},
            ),
        )
        data = session.to_dict()
        return AccountSessionResult(
            client_secret=data["client_secret"],
            expires_at=data["expires_at"],
            components=data.get("components") or {},
        )

    async def create_login_link(self, account_id: str) -> LoginLinkResult:
        """A single-use login link to an Express account's Stripe dashboard."""
        link = await self._call(
            "login_links.create",
            lambda: self._client.v1.accounts.login_links.create_async(
                account_id, None, {"idempotency_key": f"gangway-login-link-{uuid.uuid4()}"}
            ),
        )
        return LoginLinkResult(url=link.to_dict()["url"])

    # --- events

    async def retrieve_event(self, event_id: str) -> EventRecord:
        event = await self._call(
            "events.retrieve", lambda: self._client.v2.core.events.retrieve_async(event_id)
        )
        return EventRecord.model_validate(event.to_dict())

    async def list_events(self, *, gt_created: str | None, limit: int = 100) -> list[EventRecord]:
        """Account events created after ``gt_created`` (RFC 3339), oldest first."""
        records: list[EventRecord] = []
        for event_type in ACCOUNT_EVENT_TYPES:
            params: dict[str, Any] = {"types": [event_type], "limit": limit}
            if gt_created:
                params["created"] = {"gt": gt_created}
            # Follow ``next_page_url``: pages run newest first, so stopping at the first page
            # would drop the oldest events while the caller's cursor moves past them.
            items = await self._call("events.list", partial(self._list_all_events, params))
            records.extend(EventRecord.model_validate(item) for item in items)
        return sorted(records, key=lambda record: (record.created, record.id))

    async def _list_all_events(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        page = await self._client.v2.core.events.list_async(params)  # type: ignore[arg-type]
        return [item.to_dict() async for item in page.auto_paging_iter()]

    async def create_event_destination(self, *, url: str, name: str) -> tuple[str, str]:
        """Create a thin-payload webhook destination for the account events; (id, secret)."""
        params: dict[str, Any] = {
            "name": name,
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ACCOUNT_EVENT_TYPES,
            "webhook_endpoint": {"url": url},
            "include": ["webhook_endpoint.signing_secret"],
        }
        destination = await self._call(
            "event_destinations.create",
            lambda: self._client.v2.core.event_destinations.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"gangway-destination-{uuid.uuid4()}"},
            ),
        )
        data = destination.to_dict()
        return data["id"], data["webhook_endpoint"]["signing_secret"]

    # --- webhooks

    def parse_notification(
        self, raw_body: bytes, signature_header: str | None, secrets: Sequence[str]
    ) -> EventNotification:
        """Verify a thin notification against any of ``secrets`` (rolling) and parse it.

        The SDK refuses timestamps more than five minutes old; we also refuse ones more than
        five minutes in the future, which the SDK accepts.
        """
        if not signature_header or not secrets:
            raise WebhookSignatureInvalid("Missing Stripe-Signature header.")
        timestamp = _signature_timestamp(signature_header)
        if timestamp is None or timestamp > time.time() + SIGNATURE_TOLERANCE_SECONDS:
            raise WebhookSignatureInvalid("The signature's timestamp is missing or in the future.")
        for secret in secrets:
            try:
                # The SDK's check "before storing them for later processing": the body is
                # parsed once, below, into our strict model (not also into SDK objects).
                stripe.WebhookSignature.verify_header(
                    raw_body, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
                )
            except stripe.SignatureVerificationError:
                continue
            except ValueError as exc:  # not UTF-8
                raise WebhookSignatureInvalid("The notification body is malformed.") from exc
            try:
                return EventNotification.model_validate_json(raw_body)
            except ValueError as exc:
                raise WebhookSignatureInvalid("The notification body is malformed.") from exc
        raise WebhookSignatureInvalid("No signing secret matches the signature.")

    # --- error translation

    async def _call(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        start = time.perf_counter()
        outcome = "ok"
        try:
            # One deadline over the SDK's own retries: a hung Stripe costs seconds, not minutes.
            async with asyncio.timeout(self.settings.stripe_deadline_seconds):
                return await call()
        except TimeoutError as exc:
            outcome = "deadline"
            raise StripeUnavailable(
                "Stripe did not answer in time; try again shortly.", retry_after=5
            ) from exc
        except stripe.RateLimitError as exc:
            outcome = "rate_limited"
            raise StripeRateLimited(
                "Stripe is busy; wait a moment and try again.", retry_after=_retry_after(exc, 2)
            ) from exc
        except stripe.APIConnectionError as exc:
            outcome = "connection_error"
            raise StripeUnavailable(
                "Could not reach Stripe; try again shortly.", retry_after=5
            ) from exc
        except stripe.IdempotencyError as exc:
            outcome = "idempotency_conflict"
            raise StripeConflict(
                "A different request with the same identity is already on record at Stripe."
            ) from exc
        except stripe.StripeError as exc:
            status = exc.http_status or 0
            if status == 429:
                outcome = "rate_limited"
                raise StripeRateLimited(
                    "Stripe is busy; wait a moment and try again.",
                    retry_after=_retry_after(exc, 2),
                ) from exc
            if status >= 500 or status == 0:
                outcome = "unavailable"
                raise StripeUnavailable(
                    "Stripe is temporarily unavailable; try again shortly.",
                    retry_after=_retry_after(exc, 5),
                ) from exc
            outcome = "rejected"
            logger.warning(
                "stripe.request.rejected",
                extra={
                    "operation": operation,
                    "http_status": status,
                    "stripe_code": exc.code,
                    "request_id": exc.request_id,
                },
            )
            raise StripeRejected("Stripe could not accept this request.") from exc
        finally:
            elapsed_ms = round((time.perf_counter() - start) * 1000, 1)
            if self.metrics:
                self.metrics.stripe_requests.labels(operation, outcome).inc()
            logger.info(
                "stripe.request",
                extra={"operation": operation, "outcome": outcome, "elapsed_ms": elapsed_ms},
            )


def _signature_timestamp(header: str) -> int | None:
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None
