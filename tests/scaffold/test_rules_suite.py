"""The generated suite of a backlog with rules written in (tests/data/library.json with
tests/verify/rules.py: one copy per book, appointments that must not overlap and end after
they start) passes lint and its own tests: a generated create sends an end after its start,
and a rate-limited read (10/second on GET /rooms/{room_id}) has a row to read.

Real PostgreSQL, the local sandbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.scaffold.workspace import Manifest
from agent.verify.gates import GateContext, run_gates
from evals.tasks import scaffold_backlog
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify.rules import library_rules

pytestmark = pytest.mark.slow
LIBRARY = Path(__file__).parents[1] / "data" / "library.json"


def test_the_generated_suite_passes_with_the_rules_in(
    tmp_path: Path, local_box: Callable[[Path], LocalSandbox]
) -> None:
    """Lint and the generated tests pass on the scaffold plus a model's rules."""
    repo = tmp_path / "svc"
    repo.mkdir()
    scaffold_backlog(LIBRARY, repo)
    library_rules(repo)
    ctx = GateContext(
        sandbox=local_box(repo),
        services=HOST_SERVICES,
        repo=repo,
        db_prefix=f"ba_t_{uuid.uuid4().hex[:8]}",
        timeout_s=600,
        spec=Manifest.load(repo).spec,
    )
    evidence = run_gates(ctx, ["lint", "tests"], 1)
    assert evidence.passed, [f"{f.where}: {f.message}" for f in evidence.failures()]
