"""Prometheus metrics of the webhook service, in a registry of its own (one per app)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, generate_latest

OUTCOMES = (
    "unconfigured",  # no webhook secret (every delivery refused), or no App installation
    "unauthenticated",  # missing or wrong signature
    "malformed",  # headers or body unusable
    "ignored",  # another event, action, label, or a closed issue
    "bot",  # the label came from a bot
    "duplicate",  # a delivery id seen before
    "forbidden",  # the sender has no write permission
    "invalid",  # the issue is not a valid backlog item (commented on)
    "queued",  # a job is on the queue
    "failed",  # GitHub or the queue failed; the delivery may be redelivered
)


@dataclass
class WebhookMetrics:
    """Deliveries received, by outcome, and jobs queued."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.deliveries = Counter(
            "backend_agent_webhook_deliveries",
            "GitHub webhook deliveries received, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.jobs_queued = Counter(
            "backend_agent_webhook_jobs_queued",
            "Jobs the webhook service put on the queue.",
            registry=self.registry,
        )
        for outcome in OUTCOMES:
            self.deliveries.labels(outcome=outcome)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
