"""A worker's `/health` and Prometheus `/metrics`, on their own small HTTP server thread.

The metrics live in the worker's own registry (no module-level state): jobs received,
running, succeeded (a run ended and its PR or report was delivered), failed (a run
raised), dead-lettered, the duration of finished jobs, tokens and cost spent.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from agent.report.schema import Report

_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 2400, 3600, float("inf"))


class WorkerMetrics:
    """The worker's counters, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter("backend_agent_jobs_received", "Jobs delivered", registry=r)
        self.running = Gauge("backend_agent_jobs_running", "Jobs running now", registry=r)
        self.succeeded = Counter(
            "backend_agent_jobs_succeeded", "Jobs run to the end and delivered", registry=r
        )
        self.failed = Counter("backend_agent_jobs_failed", "Job attempts that raised", registry=r)
        self.dead = Counter("backend_agent_jobs_dead_lettered", "Jobs dead-lettered", registry=r)
        self.duration = Histogram(
            "backend_agent_job_duration_seconds", "Job wall clock", buckets=_BUCKETS, registry=r
        )
        self.tokens = Counter("backend_agent_tokens", "Model tokens spent", ["kind"], registry=r)
        self.cost = Counter("backend_agent_cost_usd", "Model cost spent (USD)", registry=r)
        self.active = 0  # what /health reports

    def started(self) -> None:
        self.received.inc()
        self.active += 1
        self.running.set(self.active)

    def ended(self) -> None:
        self.active -= 1
        self.running.set(self.active)

    def finished(self, report: Report, seconds: float) -> None:
        usage = report.run.usage
        self.succeeded.inc()
        self.duration.observe(seconds)
        self.tokens.labels("input").inc(usage.input_tokens)
        self.tokens.labels("output").inc(usage.output_tokens)
        self.cost.inc(usage.cost_usd or 0.0)


def serve_metrics(metrics: WorkerMetrics, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """Serve `/health` (JSON) and `/metrics` (Prometheus text) on a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(metrics.registry))
            elif self.path == "/health":
                body = json.dumps({"status": "ok", "running": metrics.active}).encode()
                self._send(200, "application/json", body)
            else:
                self._send(404, "text/plain", b"not found\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None  # scrapes every few seconds would drown the worker's log

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
