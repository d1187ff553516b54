"""Prometheus metrics, on a registry owned by the app (no process-global state)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Metrics:
    """The app's metric families."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "gangway_http_requests_total",
            "HTTP requests by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "gangway_http_request_duration_seconds",
            "HTTP request latency by route.",
            ["method", "route"],
            registry=self.registry,
        )
        self.stripe_requests = Counter(
            "gangway_stripe_requests_total",
            "Calls to Stripe by operation and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.webhook_events = Counter(
            "gangway_webhook_events_total",
            "Webhook notifications by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.inbox_processed = Counter(
            "gangway_inbox_events_processed_total",
            "Inbox events processed by outcome.",
            ["outcome"],
            registry=self.registry,
        )


class MetricsMiddleware:
    """Counts requests and times them by route template (never by raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.http_requests.labels(method, template, str(status)).inc()
            self.metrics.http_latency.labels(method, template).observe(time.perf_counter() - start)
