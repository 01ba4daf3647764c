"""The load gate gives every endpoint of the example a p95, each measured in a way that fits it,
and the report says how (issue 18, part 3).

`examples/taskboard.json` has all the kinds the load leaves out of its fixed-concurrency
phase: register, a rate-limited login (5/minute), a rate-limited create (60/minute), a
delete and an update. Real PostgreSQL and Redis, the local sandbox, the service under
uvicorn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify.service import report, scaffold, verify

pytestmark = pytest.mark.slow
EXAMPLE = Path(__file__).parents[2] / "examples" / "taskboard.json"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("taskboard") / "svc"
    repo.mkdir()
    scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES), EXAMPLE)
    return repo


def test_every_endpoint_of_the_example_has_a_p95_and_says_how(
    example: Path, local_box: Callable[[Path], LocalSandbox]
) -> None:
    """Reads, lists, creates and the update are measured under load; the delete on rows
    seeded for it; register and login one at a time (login below its 5/minute limit, with
    a user registered for it); the rate-limited create one at a time below its limit. The
    report's every endpoint has a p95 and its `response_time_measured`; nothing is left in
    `not_measured` for them."""
    evidence = verify(example, local_box(example), ["load"], EXAMPLE)
    check = evidence.checks[0]
    assert check.passed, [f"{f.where}: {f.message}" for f in check.failures]
    built, markdown = report(example, evidence, EXAMPLE)
    endpoints = {
        f"{e.method} {e.path}": e for group in built.implemented_endpoints for e in group.endpoints
    }
    assert len(endpoints) == 9
    missing = [name for name, e in endpoints.items() if not e.response_time_p95]
    assert missing == [], (missing, check.not_exercised)
    how = {name: e.response_time_measured or "" for name, e in endpoints.items()}
    assert how["GET /api/v1/projects/{project_id}"].startswith("under load: 8 connections")
    assert how["PATCH /api/v1/tasks/{task_id}"].startswith("under load")
    assert how["DELETE /api/v1/projects/{project_id}"].endswith(
        "deletes of rows seeded for it, one at a time"
    )
    assert "below its rate limit of 5/minute" in how["POST /api/v1/auth/login"]
    assert "not judged against the SLA" in how["POST /api/v1/auth/register"]
    assert "below its rate limit of 60/minute" in how["POST /api/v1/projects"]
    assert "implemented_endpoints[].endpoints[].response_time_p95" not in built.not_measured
    assert "deletes of rows seeded for it" in markdown


def test_auth_endpoints_are_not_held_to_the_sla(
    example: Path, local_box: Callable[[Path], LocalSandbox]
) -> None:
    """bcrypt makes register and login slow on purpose: with an SLA of 1 ms every judged
    endpoint fails it, and register and login are not among the failures."""
    evidence = verify(example, local_box(example), ["load"], EXAMPLE, p95_ms=1.0)
    failed = {f.where for f in evidence.checks[0].failures}
    assert "GET /api/v1/projects" in failed
    assert "DELETE /api/v1/projects/{project_id}" in failed
    assert "POST /api/v1/auth/register" not in failed
    assert "POST /api/v1/auth/login" not in failed
