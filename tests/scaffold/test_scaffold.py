"""The scaffold: deterministic files from a spec, lint-clean, idempotent, extendable, and
careful with hand edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.backlog.schema import Backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import Manifest, ScaffoldResult, scaffold_item
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from sandbox.local import LocalSandbox

EXAMPLES = Path(__file__).parents[2] / "examples"
DATA = Path(__file__).parents[1] / "data"
Box = Callable[[Path], LocalSandbox]


def _build(repo: Path, spec: ServiceSpec, box: LocalSandbox) -> list[ScaffoldResult]:
    return [scaffold_item(repo, spec, item, ruff_formatter(box)) for item in spec.item_ids()]


def _lint(box: LocalSandbox) -> str:
    check = box.run(
        [box.python, "-m", "ruff", "check", "--output-format", "concise", "."], timeout=120
    )
    fmt = box.run([box.python, "-m", "ruff", "format", "--check", "."], timeout=120)
    return (check.stdout + fmt.stdout) if (check.exit_code or fmt.exit_code) else ""


@pytest.mark.parametrize("example", ["taskboard.json", "bookshop.json"])
def test_examples_render_lint_clean(example: str, tmp_path: Path, local_box: Box) -> None:
    """Every file of the generated service passes ruff check and ruff format."""
    box = local_box(tmp_path)
    results = _build(tmp_path, compile_backlog(load_backlog(EXAMPLES / example)), box)
    assert results[0].migration is not None
    assert (tmp_path / "backend" / "main.py").exists()
    assert _lint(box) == ""


def test_one_migration_per_item_chained(tmp_path: Path, local_box: Box) -> None:
    """Each item that changes the schema gets a migration revising the one before."""
    spec = compile_backlog(load_backlog(EXAMPLES / "taskboard.json"))
    results = _build(tmp_path, spec, local_box(tmp_path))
    revisions = [r.migration.revision for r in results if r.migration]
    assert revisions == ["0001_auth_1", "0002_proj_1", "0003_task_1"]
    second = (tmp_path / "alembic" / "versions" / "0002_proj_1.py").read_text()
    assert "down_revision = '0001_auth_1'" in second or 'down_revision = "0001_auth_1"' in second
    assert "uq_projects_owner_id_name" in second


def test_second_run_changes_nothing(tmp_path: Path, local_box: Box) -> None:
    """Scaffolding the same items again writes no file and no migration."""
    box = local_box(tmp_path)
    spec = compile_backlog(load_backlog(EXAMPLES / "bookshop.json"))
    _build(tmp_path, spec, box)
    again = _build(tmp_path, spec, box)
    assert again[0].written == [] and again[0].migration is None


def test_second_backlog_extends_and_keeps_hand_edits(tmp_path: Path, local_box: Box) -> None:
    """A new backlog adds its resources and a migration; a hand-edited file is left alone."""
    box = local_box(tmp_path)
    first = compile_backlog(load_backlog(EXAMPLES / "taskboard.json"))
    _build(tmp_path, first, box)
    rules = tmp_path / "backend" / "domain" / "rules" / "project.py"
    rules.write_text(
        rules.read_text().replace(
            "Business rules for Project.", "Business rules for Project (a human was here)."
        )
    )
    untouched = (tmp_path / "backend" / "api" / "routers" / "auth.py").read_text()
    second = compile_backlog(
        load_backlog(DATA / "comments.json"), base=Manifest.load(tmp_path).spec
    )
    result = scaffold_item(tmp_path, second, "COMM-1", ruff_formatter(box))
    assert result.migration is not None and result.migration.tables_created == ["comments"]
    assert result.migration.tables_altered == ["projects"]
    assert "backend/api/routers/comments.py" in result.written
    assert "a human was here" in rules.read_text()
    assert "backend/domain/rules/project.py" in result.kept_hand_edits
    assert (tmp_path / "backend" / "api" / "routers" / "auth.py").read_text() == untouched
    assert _lint(box) == ""


def test_items_ranked_before_what_they_need_still_render(tmp_path: Path, local_box: Box) -> None:
    """Tasks ranked first, register/login last: every item's step renders a lint-clean
    service (no template reaches for a table a later item would bring), and the first
    migration creates every table the first item points at."""
    raw = json.loads((EXAMPLES / "taskboard.json").read_text())
    for item in raw["backlog_items"]:
        item["priority"] = {"AUTH-1": 10, "PROJ-1": 50, "TASK-1": 90}[item["id"]]
    box = local_box(tmp_path)
    results = _build(tmp_path, compile_backlog(Backlog.model_validate(raw)), box)
    assert [r.item_id for r in results] == ["TASK-1", "PROJ-1", "AUTH-1"]
    assert results[0].migration is not None
    assert set(results[0].migration.tables_created) == {"users", "projects", "tasks"}
    assert _lint(box) == ""
