"""``POST /webhooks/stripe``: Stripe's v2 thin event notifications.

Not under ``/api``: no session and no CSRF token here; the ``Stripe-Signature`` header over
the raw body authenticates the request instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from gangway.core.errors import problem_responses
from gangway.webhooks.dependencies import WebhookServiceDep
from gangway.webhooks.schemas import WebhookAck

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_THIN_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A Stripe v2 thin event notification (`object: v2.core.event`).",
    "required": ["id", "object", "type", "created"],
    "properties": {
        "id": {"type": "string"},
        "object": {"type": "string", "enum": ["v2.core.event"]},
        "type": {"type": "string"},
        "created": {"type": "string", "format": "date-time"},
        "livemode": {"type": "boolean"},
        "related_object": {
            # Absent or null on events about no object (v2.core.account_link.returned).
            "type": ["object", "null"],
            "required": ["id", "type", "url"],
            "properties": {
                "id": {"type": "string"},
                "type": {"type": "string"},
                "url": {"type": ["string", "null"]},
            },
        },
    },
}


# Stripe's deliveries are the busiest route: the answer is one of these two bodies, encoded
# once, with nothing for FastAPI to validate or serialize.
_FIRST = WebhookAck(duplicate=False).model_dump_json().encode()
_DUPLICATE = WebhookAck(duplicate=True).model_dump_json().encode()


@router.post(
    "/stripe",
    name="receive_stripe_webhook",
    summary="Receive a Stripe v2 thin event notification",
    response_model=WebhookAck,
    responses=problem_responses(400, 413),
    openapi_extra={
        "parameters": [
            {
                "name": "Stripe-Signature",
                "in": "header",
                "required": True,
                "description": "`t=<unix time>,v1=<HMAC-SHA256 hex>`, as Stripe signs deliveries.",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _THIN_EVENT_SCHEMA}},
        },
    },
)
async def receive_stripe_webhook(request: Request, service: WebhookServiceDep) -> Response:
    """Verified against every configured signing secret, recorded once per event id and
    acknowledged; the account is re-read from Stripe later, by an inbox worker. A bad or
    missing signature, a timestamp more than five minutes off, or a malformed body is a 400
    and nothing is stored."""
    # The raw bytes, exactly as signed; the header is read here rather than declared as a
    # parameter, so a missing one is the signature check's 400 and never a validation 422.
    raw_body = await request.body()
    received = await service.receive(raw_body, request.headers.get("stripe-signature"))
    return Response(_DUPLICATE if received.duplicate else _FIRST, media_type="application/json")
