"""The report's figures that come from the service running in the sandbox: load, security,
deployment, monitoring, migration timings. Each fills its field and drops its
`not_measured` entry only when the evidence holds the measurement."""

from __future__ import annotations

from agent.report.schema import Report
from agent.verify.evidence import Evidence

EXPOSES = [
    "GET /health: database and Redis checks, 200 or 503",
    "GET /metrics: Prometheus counters of requests (method, route, status) and a latency histogram",
    "structured JSON logs on stdout, each with its correlation id (X-Correlation-ID)",
]
SANDBOX_NOTE = (
    "the service as it ran in the {sandbox} sandbox during verify (a sandbox-internal "
    "loopback address, reachable only there); it is not deployed anywhere else"
)


def _ms(value: float) -> str:
    return f"{value:.1f}ms"


def add_load(report: Report, final: Evidence | None) -> None:
    if final is None or final.load is None:
        return
    load = final.load
    results = report.test_results.load_test_results
    results.requests_per_second = load.overall.rps
    results.p95_latency = _ms(load.overall.p95_ms)
    results.error_rate = load.overall.error_rate
    report.not_measured.pop("test_results.load_test_results", None)
    missing = []
    for group in report.implemented_endpoints:
        for endpoint in group.endpoints:
            name = f"{endpoint.method} {endpoint.path}"
            figures = load.endpoints.get(name)
            endpoint.response_time_p95 = _ms(figures.p95_ms) if figures else None
            endpoint.response_time_measured = figures.measured if figures else None
            if figures is None:
                missing.append(name)
    key = "implemented_endpoints[].endpoints[].response_time_p95"
    report.not_measured.pop(key, None)
    if missing:
        report.not_measured[key] = (
            f"measured for every other endpoint, each as its `response_time_measured` says "
            f"({load.limits}); null for {', '.join(missing)}: an action (not loaded yet) or "
            "an endpoint the load gate could not set up (its not-exercised list says why)"
        )


def add_security(report: Report, final: Evidence | None) -> None:
    if final is None or final.security_status is None:
        return
    report.test_results.security_scan_status = final.security_status
    report.not_measured.pop("test_results.security_scan_status", None)


def add_deployment(report: Report, final: Evidence | None) -> None:
    if final is None or final.service is None:
        return
    base = final.service.base_url
    report.deployment.api_base_url = base
    report.deployment.documentation_url = f"{base}/docs"
    report.deployment.health_check_url = f"{base}/health"
    report.deployment.metrics_dashboard = f"{base}/metrics"
    report.deployment.note = SANDBOX_NOTE.format(sandbox=final.sandbox)
    report.monitoring.exposes = list(EXPOSES)
    report.not_measured.pop("deployment", None)
    for group in report.implemented_endpoints:
        for endpoint in group.endpoints:
            endpoint.documentation_link = f"{base}/docs"
    report.not_measured.pop("implemented_endpoints[].endpoints[].documentation_link", None)


def add_migration_timings(report: Report, final: Evidence | None) -> None:
    if final is None or not final.migration_s:
        return
    timings = final.migration_s
    for change in report.database_changes:
        seconds = timings.get(f"upgrade {change.migration_id}")
        if seconds is not None:
            change.performance_impact = (
                f"upgrade {seconds:.3f} s on an empty database (whole chain: downgrade base "
                f"{timings.get('downgrade base', 0):.3f} s, upgrade head "
                f"{timings.get('upgrade head', 0):.3f} s)"
            )
    if all(c.performance_impact for c in report.database_changes):
        report.not_measured.pop("database_changes[].performance_impact", None)


def add_measured(report: Report, final: Evidence | None) -> None:
    """Fill every live figure the final verify pass measured."""
    for add in (add_load, add_security, add_deployment, add_migration_timings):
        add(report, final)
