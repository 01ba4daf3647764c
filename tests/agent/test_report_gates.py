"""The report says, per gate over the run, how many findings it made and how many checks it
could not exercise, with why; each failure keeps its request, response and backlog path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agent.config import RunConfig
from agent.report.build import build_report
from agent.report.markdown import render_markdown
from agent.spec.types import ServiceSpec
from agent.state import ItemRecord
from agent.verify.evidence import CheckResult, Evidence, Exchange, Failure, NotExercised

SOURCE = "backlog_items[0].api_requirements[0].request_schema.properties.duration_minutes.enum"


def _evidence() -> Evidence:
    refused = Exchange(
        method="POST",
        path="/appointments",
        body={"duration_minutes": 45},
        status=422,
        response='{"error": {"code": "validation_error"}}',
    )
    contract = CheckResult(
        name="contract",
        passed=False,
        failures=[
            Failure(
                check="contract",
                where="POST /appointments",
                message="refused a valid request",
                exchange=refused,
                expected="accepted (2xx)",
                source=SOURCE,
            )
        ],
        not_exercised=[
            NotExercised(check="contract", where="POST /x", reason="rate limited (429): rest"),
            NotExercised(check="contract", where="POST /y", reason="rate limited (429): more"),
        ],
    )
    return Evidence(iteration=1, sandbox="local", checks=[contract])


def test_findings_and_not_exercised_per_gate(tmp_path: Path) -> None:
    """Two items' last verifies add up per gate; reasons group without their details; the
    Markdown shows the failure's request, response and backlog path."""
    records = [ItemRecord(id=f"A-{n}", priority=10, evidence=[_evidence()]) for n in (1, 2)]
    report = build_report(
        records=records,
        spec=ServiceSpec(),
        migrations=[],
        config=RunConfig(
            run_id="t", backlog=tmp_path / "b.json", repo=tmp_path, gates=["contract"]
        ),
        sandbox="local",
        started_at=datetime.now(UTC).isoformat(),
        branch=None,
    )
    totals = report.gates["contract"]
    assert (totals.findings, totals.not_exercised) == (2, 4)
    assert totals.reasons == {"rate limited (429)": 4}
    [finding] = report.items[0].gates[0].evidence
    assert finding.source == SOURCE and finding.response and finding.response.startswith("422")
    markdown = render_markdown(report)
    assert "| contract | 2 | 4: 4x rate limited (429) |" in markdown
    assert f"expected accepted (2xx) ({SOURCE})" in markdown
    assert 'sent `POST /appointments {"duration_minutes": 45}` -> `422' in markdown
