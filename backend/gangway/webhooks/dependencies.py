"""``WebhookServiceDep``: this process's webhook service (built in ``gangway.container``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.webhooks.service import WebhookService


async def get_webhook_service(request: Request) -> WebhookService:
    service: WebhookService = request.app.state.services.webhooks
    return service


WebhookServiceDep = Annotated[WebhookService, Depends(get_webhook_service)]
