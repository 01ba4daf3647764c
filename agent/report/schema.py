"""The Output Schema of the seed, plus what a reader needs to trust it.

Every figure the seed names is here with its seed name. A figure that was not measured is
`null`, and `not_measured` says why, keyed by its JSON path. The extra sections (`run`,
`items`) carry the evidence: criteria and their tests, gates, what was not implemented.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Deployment(BaseModel):
    api_base_url: str | None = None
    documentation_url: str | None = None
    health_check_url: str | None = None
    metrics_dashboard: str | None = None
    note: str | None = None  # where these addresses were true (e.g. inside the sandbox)


class EndpointReport(BaseModel):
    method: str
    path: str
    response_time_p95: str | None = None
    response_time_measured: str | None = None  # how: under load, or one at a time, and why
    test_coverage: float | None = None
    documentation_link: str | None = None
    kind: str | None = None  # create, list, … or action; `kind_reason` says why
    kind_reason: str | None = None
    status_code: int | None = None  # of a success, as the plan read it
    responses: dict[str, str] = Field(default_factory=dict)  # every code the backlog gives
    implemented: bool | None = None  # False: still the scaffold's 501 stub


class ImplementedEndpoints(BaseModel):
    backlog_id: str
    endpoints: list[EndpointReport] = Field(default_factory=list)


class DatabaseChange(BaseModel):
    migration_id: str
    tables_affected: list[str] = Field(default_factory=list)
    indexes_created: list[str] = Field(default_factory=list)
    performance_impact: str | None = None


class LoadTestResults(BaseModel):
    requests_per_second: float | None = None
    p95_latency: str | None = None
    error_rate: float | None = None


class TestResults(BaseModel):
    unit_test_coverage: float | None = None
    integration_tests_passed: int | None = None
    load_test_results: LoadTestResults = Field(default_factory=LoadTestResults)
    security_scan_status: str | None = None


class Monitoring(BaseModel):
    logs_aggregation_url: str | None = None
    metrics_dashboard_url: str | None = None
    alerts_configured: list[str] = Field(default_factory=list)
    exposes: list[str] = Field(default_factory=list)  # what the service offers to monitoring


class CriterionRow(BaseModel):
    """One acceptance criterion: the tests that stand for it and whether it is met —
    `met` (its tests passed and one failed on a mutant without the behaviour: proven),
    `passed but unproven` (`mutant`: what was taken away, and its tests still passed),
    or `unmet`. For a met criterion `mutant` is the one its test failed on."""

    index: int
    text: str
    tests: list[str] = Field(default_factory=list)
    met: bool = False
    status: Literal["met", "passed but unproven", "unmet"] = "unmet"
    mutant: str | None = None
    reason: str = ""


class NotImplemented(BaseModel):
    kind: str
    text: str
    reason: str


class Finding(BaseModel):
    """One failure of a gate on the running service, with what shows it."""

    where: str
    message: str
    expected: str | None = None
    source: str | None = None  # where in the backlog the expectation comes from
    request: str | None = None  # METHOD /path {body}
    response: str | None = None  # status and body, trimmed


class GateRow(BaseModel):
    """One gate of an item's last verify: its failures (`findings` counts them all, the
    lists are trimmed) and the checks it could not exercise, with why."""

    name: str
    passed: bool
    summary: str
    duration_s: float
    findings: int = 0
    failures: list[str] = Field(default_factory=list)
    evidence: list[Finding] = Field(default_factory=list)
    not_exercised: list[str] = Field(default_factory=list)


class GateTotals(BaseModel):
    """One gate over the run (each item's last verify): how many findings it made, and how
    many checks it could not exercise, by reason."""

    findings: int = 0
    not_exercised: int = 0
    reasons: dict[str, int] = Field(default_factory=dict)  # reason -> how many


class ItemReport(BaseModel):
    id: str
    priority: int
    status: str  # passed; incomplete (gates passed, a criterion or rule left); failed
    repair_iterations: int = 0
    stop_reason: str | None = None
    commit: str | None = None
    gates: list[GateRow] = Field(default_factory=list)
    acceptance_criteria: list[CriterionRow] = Field(default_factory=list)
    not_implemented: list[NotImplemented] = Field(default_factory=list)
    kept_hand_edits: list[str] = Field(default_factory=list)


class Usage(BaseModel):
    """Model usage: every billed call, failed and retried ones included."""

    calls: int = 0
    failed_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = None
    unpriced_calls: int = 0


class RunInfo(BaseModel):
    run_id: str
    model: str
    sandbox: str
    branch: str | None = None
    started_at: str
    finished_at: str | None = None
    # finished_at - started_at: wall clock, a resumed run's pause included
    duration_s: float | None = None
    gates: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    usage_by_item: dict[str, Usage] = Field(default_factory=dict)
    usage_by_node: dict[str, Usage] = Field(default_factory=dict)


class PullRequestRef(BaseModel):
    """The pull request the run opened or updated, as the forge left it."""

    number: int
    url: str
    draft: bool
    created: bool  # false: an open one of the same branch was updated


class Delivery(BaseModel):
    """Where the run's commits went. `pull_request` is null when none was opened, and
    `skipped` says why (`--no-pr`, a dry run)."""

    branch: str | None = None
    base: str | None = None
    remote: str | None = None  # without any user:password part
    pushed_sha: str | None = None
    pull_request: PullRequestRef | None = None
    skipped: str | None = None


class Report(BaseModel):
    """The Output Schema (first five keys) and its evidence."""

    deployment: Deployment = Field(default_factory=Deployment)
    implemented_endpoints: list[ImplementedEndpoints] = Field(default_factory=list)
    database_changes: list[DatabaseChange] = Field(default_factory=list)
    test_results: TestResults = Field(default_factory=TestResults)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    not_measured: dict[str, str] = Field(default_factory=dict)
    run: RunInfo
    items: list[ItemReport] = Field(default_factory=list)
    gates: dict[str, GateTotals] = Field(default_factory=dict)  # gate name -> its totals
    delivery: Delivery | None = None  # null until the publish step has run
