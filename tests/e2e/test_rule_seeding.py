"""A backlog whose rule refuses with 409 (the gym task: a full lesson refuses another
booking), implemented correctly by a scripted model, ends `passed` with every gate: the
live gates' seeding lives with the rule instead of failing the service ("seeding got 409").

All six gates run; the load gate's SLA is 2 s (`--p95-ms`), because this pins that seeding
and the rule agree, not latency on a machine other test runs share.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir

pytestmark = pytest.mark.slow
GYM = Path(__file__).parents[2] / "evals/suites/builtin/gym-lesson-capacity"
RULE = "A lesson holds at most `capacity` bookings; a booking beyond that is refused with 409"
RULES_PATH = "backend/domain/rules/booking.py"
TEST_PATH = "backend/tests/test_booking_rules.py"
TESTS = """import pytest
from fastapi.testclient import TestClient

MISSING = "00000000-0000-4000-8000-000000000000"


def lesson(client: TestClient, capacity: int) -> str:
    body = {"title": "Spin", "starts_at": "2031-02-03T18:00:00Z", "capacity": capacity}
    return str(client.post("/lessons", json=body).json()["id"])


@pytest.mark.criterion("GYM-1", 3)
def test_a_full_lesson_refuses_another_booking(client: TestClient) -> None:
    lesson_id = lesson(client, 1)
    first = client.post(f"/lessons/{lesson_id}/bookings", json={"member_email": "a@example.com"})
    assert first.status_code == 201
    second = client.post(f"/lessons/{lesson_id}/bookings", json={"member_email": "b@example.com"})
    assert second.status_code == 409


@pytest.mark.criterion("GYM-1", 4)
def test_booking_a_missing_lesson_is_404(client: TestClient) -> None:
    response = client.post(f"/lessons/{MISSING}/bookings", json={"member_email": "a@example.com"})
    assert response.status_code == 404
"""


def _reference_rule() -> str:
    """The task's reference rule, formatted as the generated service's ruff wants (120
    columns: the reference is written for 100)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--line-length", "120", "-"],
        input=(GYM / "reference" / RULES_PATH).read_text(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _script(path: Path) -> Path:
    """Implement: the reference rule and its tests, then finish; no repair is needed."""
    write_rule = flow.call("w1", "write_file", path=RULES_PATH, content=_reference_rule())
    write_tests = flow.call("w2", "write_file", path=TEST_PATH, content=TESTS)
    summary = {"summary": "capacity enforced", "implemented": [RULE], "not_implemented": []}
    replies = [
        flow.turn("Writing the capacity rule and its tests.", write_rule, write_tests),
        flow.turn("", flow.call("f1", "finish", **summary)),
    ]
    return flow.write_script(path, replies, {0: [RULE]})


def test_a_409_capacity_rule_implemented_correctly_ends_passed(tmp_path: Path) -> None:
    """Every gate passes; security and load seeded every row (nothing not exercised)."""
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(GYM / "backlog.json"),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--model",
        f"scripted:{_script(tmp_path / 'script.jsonl')}",
        "--p95-ms",
        "2000",
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 0
    assert report.test_results.security_scan_status.startswith("passed: 0 findings")
    assert "not exercised" not in report.test_results.security_scan_status
    assert report.test_results.load_test_results.requests_per_second
