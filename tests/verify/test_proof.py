"""The proof step on real generated services: a criterion's test counts only when it fails
on a mutant without the behaviour the criterion names.

The local sandbox, the machine's PostgreSQL and Redis; the tests gate first (the proof
takes its passed tests), then the mutants.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.config import RunConfig
from agent.nodes.building import ruff_formatter
from agent.report.build import build_report
from agent.report.markdown import render_markdown
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.state import ItemRecord
from agent.verify.evidence import Evidence
from agent.verify.gates import GateContext, run_gates
from agent.verify.proof.step import prove
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify.service import copy, plant

pytestmark = pytest.mark.slow
Box = Callable[[Path], LocalSandbox]
ROOT = Path(__file__).parents[2]
SIGNUP = ROOT / "tests" / "data" / "signup.json"
SHORT = 'body["password"] = "S3cure-"  # password: shorter than 8 characters'
LOWER_BOUND = "request field `password` without its lower bound (min_length, ge, gt)"


def _scaffold(backlog: Path, repo: Path, box: LocalSandbox) -> Path:
    spec = compile_backlog(load_backlog(backlog))
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))
    return repo


def _verify(backlog: Path, repo: Path, box: LocalSandbox) -> Evidence:
    """The tests gate, then the proof of the first item (the only one of signup)."""
    ctx = GateContext(
        sandbox=box,
        services=HOST_SERVICES,
        repo=repo,
        db_prefix=f"ba_t_{uuid.uuid4().hex[:8]}",
        timeout_s=600,
        spec=compile_backlog(load_backlog(backlog)),
    )
    evidence = run_gates(ctx, ["tests"], 1)
    assert evidence.passed, [f.message for f in evidence.failures()]
    evidence.proof = prove(ctx, evidence, load_backlog(backlog).backlog_items[0])
    return evidence


@pytest.fixture(scope="module")
def clean_signup(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("signup") / "svc"
    repo.mkdir()
    return _scaffold(SIGNUP, repo, LocalSandbox(repo, service_python, HOST_SERVICES))


def test_the_scaffold_sends_one_character_too_few_and_is_proven(
    clean_signup: Path, tmp_path: Path, local_box: Box
) -> None:
    """A criterion "shorter than 8" makes the scaffold send 7 characters; without
    min_length the service takes them, the test fails, so the criterion is met (proven)."""
    repo = copy(clean_signup, tmp_path / "svc")
    assert SHORT in (repo / "backend/tests/test_auth.py").read_text()
    proof = _verify(SIGNUP, repo, local_box(repo)).proof
    assert proof is not None
    created, short = proof.criteria
    assert short.verdict == "proven", short.reason
    assert list(short.proven_by.values()) == [f"{LOWER_BOUND} (POST /auth/register)"]
    assert created.verdict == "proven", created.reason
    assert "POST /auth/register does nothing" in next(iter(created.proven_by.values()))


def test_a_129_character_password_passes_but_is_unproven(
    clean_signup: Path, tmp_path: Path, local_box: Box
) -> None:
    """The old scaffold's test (a 129-character password, refused by max_length) passes on
    the service and still passes without min_length: passed but unproven, the mutant
    named; the item is incomplete, not passed, and the report says why."""
    repo = copy(clean_signup, tmp_path / "svc")
    plant(repo, "backend/tests/test_auth.py", SHORT, 'body["password"] = "x" * 129')
    evidence = _verify(SIGNUP, repo, local_box(repo))
    assert evidence.proof is not None
    short = evidence.proof.criteria[1]
    assert short.verdict == "unproven"
    assert short.reason == f"{LOWER_BOUND} (POST /auth/register): its tests still passed"
    backlog = load_backlog(SIGNUP)
    record = ItemRecord(
        id="SIGNUP-1",
        priority=10,
        criteria=backlog.backlog_items[0].acceptance_criteria,
        evidence=[evidence],
    )
    assert record.gates_passed and record.verdict == "incomplete"
    report = build_report(
        records=[record],
        spec=compile_backlog(backlog),
        migrations=[],
        config=RunConfig(run_id="t", backlog=SIGNUP, repo=repo, gates=["tests"]),
        sandbox="local",
        started_at=datetime.now(UTC).isoformat(),
        branch=None,
    )
    [item] = report.items
    assert item.status == "incomplete"
    row = item.acceptance_criteria[1]
    assert (row.met, row.status) == (False, "passed but unproven")
    assert row.mutant == f"{LOWER_BOUND} (POST /auth/register)"
    assert "| passed but unproven: request field `password`" in render_markdown(report)


@pytest.mark.parametrize("example", ["taskboard.json", "bookshop.json"])
def test_every_scaffold_criterion_test_of_the_examples_is_proven(
    example: str, tmp_path: Path, local_box: Box
) -> None:
    """Each criterion the scaffold writes a test for is proven on its mutant; the others
    have no test (a model writes theirs)."""
    backlog_path = ROOT / "examples" / example
    backlog = load_backlog(backlog_path)
    spec = compile_backlog(backlog)
    repo = tmp_path / "svc"
    repo.mkdir()
    box = local_box(repo)
    _scaffold(backlog_path, repo, box)
    ctx = GateContext(
        sandbox=box,
        services=HOST_SERVICES,
        repo=repo,
        db_prefix=f"ba_t_{uuid.uuid4().hex[:8]}",
        timeout_s=600,
        spec=spec,
    )
    evidence = run_gates(ctx, ["tests"], 1)
    assert evidence.passed
    scaffolded = {(t.item_id, t.index + 1) for t in spec.criteria_tests}
    verdicts = {}
    for item in backlog.backlog_items:
        proof = prove(ctx, evidence, item)
        verdicts |= {(item.id, c.index): (c.verdict, c.reason) for c in proof.criteria}
    assert {k: v for k, v in verdicts.items() if k in scaffolded} == {
        k: ("proven", "") for k in scaffolded
    }
    assert {v for k, v in verdicts.items() if k not in scaffolded} <= {("no test", "no test")}
