"""``WebhookServiceDep``: the running webhook service of this app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.webhooks.service import WebhookService
from gangway.webhooks.worker import WebhookRuntime


async def get_webhook_service(request: Request) -> WebhookService:
    runtime: WebhookRuntime = request.app.state.webhooks
    return runtime.service


WebhookServiceDep = Annotated[WebhookService, Depends(get_webhook_service)]
