"""Done means done, on the bookshop example (the one with fewer rules): offline the gates
pass but the calculation, its endpoint and its criterion are left, so the run ends with
exit 4 and says what needs a model; a (scripted) model that implements them, with a test
for the criterion, ends with exit 0, every criterion proven."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.report.schema import Report
from tests.e2e import bookshop_flow as flow
from tests.e2e.helpers import cli, run_dir
from tests.e2e.notes_flow import write_script

pytestmark = pytest.mark.slow


def _run(repo: Path, *extra: str) -> tuple[int, str, Report]:
    done = cli(
        "run", str(flow.BACKLOG), "--repo", str(repo), "--sandbox", "local",
        "--gates", ",".join(flow.GATES), *extra,
    )  # fmt: skip
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    return done.returncode, " ".join(done.stderr.split()), report


def test_offline_the_bookshop_is_incomplete_and_says_what_needs_a_model(tmp_path: Path) -> None:
    """Exit 4; the summary lists what is not implemented and ends with how to finish it;
    the three criteria the scaffold tests are met (proven), the fourth has no test."""
    code, said, report = _run(tmp_path / "svc")
    assert code == 4, said[-3000:]
    assert f"not implemented [BOOK-1] (endpoint) {flow.ENDPOINT}" in said
    assert f"not implemented [BOOK-1] (calculation) {flow.CALCULATION}" in said
    assert said.endswith(
        "incomplete: 1 endpoint, 1 calculation and 1 criterion need a model: "
        "--model anthropic:<model> (or openai:<model>)"
    )
    [item] = report.items
    assert item.status == "incomplete" and all(g.passed for g in item.gates)
    assert [c.status for c in item.acceptance_criteria] == ["met", "met", "met", "unmet"]


def test_a_model_that_implements_them_ends_with_0(tmp_path: Path) -> None:
    """The model's endpoint and calculation pass the gates; its test of criterion 4 fails
    once the discount endpoint is taken away (proven); nothing is left: exit 0, passed."""
    script = write_script(
        tmp_path / "script.jsonl", flow.implemented(), {0: [flow.CALCULATION, flow.ENDPOINT]}
    )
    code, said, report = _run(tmp_path / "svc", "--model", f"scripted:{script}")
    assert code == 0, said[-3000:]
    assert said.endswith("passed: every gate passed, every criterion proven, nothing left")
    [item] = report.items
    assert item.status == "passed" and item.not_implemented == []
    assert item.repair_iterations == 0
    assert [c.status for c in item.acceptance_criteria] == ["met"] * 4
    discount = item.acceptance_criteria[3]
    assert discount.tests == [f"{flow.TEST_PATH}::test_ten_percent_off_twenty_is_eighteen"]
    assert discount.mutant == f"{flow.ENDPOINT} does nothing (its handler raises)"
