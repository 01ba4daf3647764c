"""Planning with a model: an item with no api_requirements gets endpoints from its story,
validated by the backlog's own models (one retry with the errors), then scaffolded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.report.schema import Report
from tests.e2e.helpers import QUICK_GATES, cli, run_dir

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data"
SHELF = {
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": {"type": "string", "minLength": 2, "maxLength": 20},
        "label": {"type": "string", "maxLength": 100},
    },
}
GOOD = [
    {
        "method": "POST",
        "endpoint": "/api/v1/shelves",
        "request_schema": SHELF,
        "response_schema": {"id": "uuid", "code": "string"},
    },
    {"method": "GET", "endpoint": "/api/v1/shelves/{shelf_id}"},
]
BAD = [{"method": "FETCH", "endpoint": "/api/v1/shelves"}]


def _submit(plan: list[dict[str, Any]], call_id: str) -> dict[str, Any]:
    return {
        "reply": {
            "tool_calls": [
                {"id": call_id, "name": "submit_plan", "arguments": {"api_requirements": plan}}
            ]
        }
    }


def _finish(call_id: str) -> dict[str, Any]:
    return {
        "reply": {
            "tool_calls": [
                {
                    "id": call_id,
                    "name": "finish",
                    "arguments": {
                        "summary": "the scaffold covers the story",
                        "implemented": [],
                        "not_implemented": [],
                    },
                }
            ]
        }
    }


def _write(path: Path, steps: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    return path


def test_plan_is_retried_once_with_errors_then_scaffolded(tmp_path: Path) -> None:
    """A first plan with a bad method goes back with its path; the second is built."""
    retry = _submit(GOOD, "p2")
    retry["expect"] = {"contains": ["api_requirements[0].method: must be one of"]}
    script = _write(tmp_path / "plan.jsonl", [_submit(BAD, "p1"), retry, _finish("f1")])
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(DATA / "planless.json"),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--gates",
        QUICK_GATES,
        "--model",
        f"scripted:{script}",
    )
    assert done.returncode == 0, done.stderr[-4000:]
    planned = json.loads((run_dir(repo) / "backlog.json").read_text())
    assert [r["endpoint"] for r in planned["backlog_items"][0]["api_requirements"]] == [
        "/api/v1/shelves",
        "/api/v1/shelves/{shelf_id}",
    ]
    assert (repo / "backend" / "api" / "routers" / "shelves.py").exists()
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert [e.path for e in report.implemented_endpoints[0].endpoints] == [
        "/api/v1/shelves",
        "/api/v1/shelves/{shelf_id}",
    ]
    assert all(c.met for c in item.acceptance_criteria)


def test_two_invalid_plans_stop_the_run_clearly(tmp_path: Path) -> None:
    """A second invalid plan fails the run with the item and the problems; nothing built."""
    script = _write(tmp_path / "plan.jsonl", [_submit(BAD, "p1"), _submit(BAD, "p2")])
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(DATA / "planless.json"),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--gates",
        QUICK_GATES,
        "--model",
        f"scripted:{script}",
    )
    assert done.returncode == 1
    assert "plan for item SHELF-1 is invalid after 2 attempts" in done.stderr
    assert "api_requirements[0].method: must be one of" in done.stderr
    assert not (repo / "backend").exists()
