"""schemathesis hooks (``SCHEMATHESIS_HOOKS``): sign webhook deliveries as Stripe would.

Without a valid ``Stripe-Signature`` every delivery is refused before its body is read, and the
fuzzer would learn nothing about the webhook endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from typing import Any

import schemathesis


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Only a delivery that carries the header is signed: one generated without it (to check
    # that a missing signature is refused) stays unsigned.
    if case.path != "/webhooks/stripe" or "Stripe-Signature" not in (case.headers or {}):
        return
    secret = os.environ["GANGWAY_ST_WEBHOOK_SECRET"]
    # requests serializes ``json=`` bodies with json.dumps' defaults: sign those very bytes.
    try:
        body = json.dumps(case.body, allow_nan=False).encode()
    except (TypeError, ValueError):
        return  # not JSON: the endpoint refuses it unsigned, which is fine to test too
    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    case.headers = {
        **(case.headers or {}),
        "Stripe-Signature": f"t={timestamp},v1={digest.hexdigest()}",
    }
