"""The yardstick: a bare FastAPI app (``async def`` returning a small dict), served by the same
uvicorn as Gangway in ``make bench``; and, for minting, a bare endpoint that makes the same
Account Link call with the Stripe SDK and returns the link (no session, no database)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import stripe
from fastapi import FastAPI

app = FastAPI()


@app.get("/status")
async def status() -> dict[str, object]:
    return {"state": "complete", "version": 1}


@app.post("/webhooks/stripe")
async def webhook() -> dict[str, object]:
    return {"duplicate": False}


@cache
def _stripe() -> stripe.StripeClient:
    return stripe.StripeClient(
        os.environ["BARE_STRIPE_API_KEY"],
        base_addresses={"api": os.environ["BARE_STRIPE_API_BASE"]},
        http_client=stripe.HTTPXClient(),
        max_network_retries=0,
    )


@app.post("/links", status_code=201)
async def link(params: dict[str, Any]) -> dict[str, object]:
    created = await _stripe().v2.core.account_links.create_async(params)  # type: ignore[arg-type]
    return {"url": created.url, "expires_at": created.expires_at}
