"""What the webhook endpoint answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WebhookAck(BaseModel):
    """The notification was verified and is safely in the inbox (or already was)."""

    received: bool = Field(default=True, description="Always true on a 200.")
    duplicate: bool = Field(description="True if this event id had been received before.")
