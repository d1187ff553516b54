"""Prometheus metrics, on a registry owned by the app (no process-global state)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram


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
        self.wal_checkpoints = Counter(
            "gangway_sqlite_wal_checkpoints_total",
            "Background SQLite WAL checkpoints by outcome (ok, busy, failed).",
            ["outcome"],
            registry=self.registry,
        )
        # Each label set's children, looked up once (``labels()`` takes a lock every call).
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one HTTP request and time it; ``route`` is its template, never the raw path."""
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.http_requests.labels(method, route, str(status)),
                self.http_latency.labels(method, route),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)
