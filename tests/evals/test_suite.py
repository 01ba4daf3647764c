"""The built-in eval suite: every task loads, its backlog (and starter) is valid, its hidden
tests check the backlog's own criteria, and together the tasks cover what issue 8 asks."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from agent.backlog import Backlog, load_backlog
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from evals.tasks import NoReference, Task, TaskError, load_suite, load_task

SUITE = Path(__file__).parents[2] / "evals" / "suites" / "builtin"
TASKS = load_suite(SUITE)


def _backlog(task: Task, tmp_path: Path) -> Backlog:
    return load_backlog(task.backlog_path(tmp_path / task.id))


def _spec(task: Task, tmp_path: Path) -> ServiceSpec:
    base = None
    if (task.starter_dir / "backlog.json").is_file():
        base = compile_backlog(load_backlog(task.starter_dir / "backlog.json"))
    return compile_backlog(_backlog(task, tmp_path), base=base)


def test_the_suite_is_big_enough() -> None:
    assert len(TASKS) >= 12
    features = [t for t in TASKS if t.kind == "feature"]
    assert len(features) >= 3
    assert all((t.starter_dir / "backlog.json").is_file() for t in features)
    assert len({t.domain for t in TASKS}) >= 10
    assert any((t.path / "openapi.yaml").is_file() for t in TASKS)
    assert {t.offline for t in TASKS} == {True, False}


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_each_task_is_well_formed(task: Task, tmp_path: Path) -> None:
    assert task.path.name == task.id
    assert (task.needs_model is None) == task.offline
    assert _backlog(task, tmp_path).backlog_items
    if (task.starter_dir / "backlog.json").is_file():
        assert load_backlog(task.starter_dir / "backlog.json").backlog_items


def _criteria_in_hidden_tests(task: Task) -> list[str]:
    found = []
    for path in sorted(task.hidden_dir.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "functional":
                found.append(ast.literal_eval(node.args[0]))
    return found


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_hidden_tests_check_the_backlogs_criteria(task: Task, tmp_path: Path) -> None:
    """Every functional hidden test names an acceptance criterion of the task's backlog,
    and every criterion has a hidden test."""
    criteria = {c for i in _backlog(task, tmp_path).backlog_items for c in i.acceptance_criteria}
    named = set(_criteria_in_hidden_tests(task))
    assert named <= criteria, named - criteria
    assert criteria <= named, criteria - named


def test_the_tasks_cover_the_issues_list(tmp_path: Path) -> None:
    specs = {t.id: _spec(t, tmp_path) for t in TASKS}
    backlogs = {t.id: _backlog(t, tmp_path) for t in TASKS}
    ops = [o for s in specs.values() for o in s.operations]
    entities = [e for s in specs.values() for e in s.entities]
    logic = [i.business_logic for b in backlogs.values() for i in b.backlog_items]
    covered = {
        "crud with validation": any(f.min_length or f.maximum for o in ops for f in o.body),
        "pagination and filters": any(o.kind == "list" and o.query for o in ops),
        "auth and ownership": any(e.owner_chain for e in entities),
        "rate limits": any(o.rate_limit for o in ops),
        "unique conflicts": any(i.unique for e in entities if not e.is_user for i in e.indexes),
        "relationships": any(
            fk for e in entities for fk in e.foreign_keys if not specs_user(specs, fk.ref_entity)
        ),
        "calculations": any(b.calculations for b in logic),
        "business rules": any(b.rules for b in logic),
    }
    assert all(covered.values()), [k for k, v in covered.items() if not v]


def specs_user(specs: dict[str, ServiceSpec], name: str) -> bool:
    return any(s.user_entity == name for s in specs.values())


def test_a_bad_task_toml_names_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    (folder / "hidden").mkdir(parents=True)
    (folder / "hidden" / "test_x.py").write_text("")
    (folder / "backlog.json").write_text("{}")
    (folder / "task.toml").write_text(
        'id = "broken"\ntitle = "x"\ndomain = "x"\nkind = "brownfield"\noffline = false\n'
    )
    with pytest.raises(TaskError) as raised:
        load_task(folder)
    message = str(raised.value)
    assert f"{folder / 'task.toml'}: kind: must be one of greenfield, feature" in message
    assert "needs_model" in message or "kind" in message


def test_model_tasks_without_reference_say_so(tmp_path: Path) -> None:
    folder = tmp_path / "no-ref"
    (folder / "hidden").mkdir(parents=True)
    (folder / "hidden" / "test_x.py").write_text("")
    item = {"id": "X-1", "user_story": "s", "priority": 1}
    (folder / "backlog.json").write_text(json.dumps({"backlog_items": [item]}))
    (folder / "task.toml").write_text(
        'id = "no-ref"\ntitle = "x"\ndomain = "x"\nkind = "greenfield"\noffline = false\n'
        'needs_model = "rules"\n'
    )
    with pytest.raises(NoReference):
        load_task(folder).materialize_reference(tmp_path / "out")


def test_a_feature_starter_is_a_committed_scaffold(tmp_path: Path) -> None:
    task = next(t for t in TASKS if t.id == "shop-reviews")
    task.materialize_starter(tmp_path / "repo")
    from git import Repo

    repo = Repo(tmp_path / "repo")
    assert not repo.is_dirty(untracked_files=True)
    assert (tmp_path / "repo" / ".backend-agent" / "manifest.json").is_file()
    assert (tmp_path / "repo" / "backend" / "api" / "routers" / "products.py").is_file()
    assert not (tmp_path / "repo" / "backend" / "api" / "routers" / "reviews.py").exists()


def test_a_reference_is_the_scaffold_plus_its_overlay(tmp_path: Path) -> None:
    task = next(t for t in TASKS if t.id == "fleet-trip-costs")
    task.materialize_reference(tmp_path / "ref")
    rules = (tmp_path / "ref" / "backend" / "domain" / "rules" / "trip.py").read_text()
    written = (task.reference_dir / "backend/domain/rules/trip.py").read_text()
    assert rules.split() != [] and "".join(rules.split()) == "".join(written.split())
    # formatted by the service's ruff (120 columns), so its lint gate passes as a model's would
    assert "async def before_update(session: AsyncSession, current: Trip" in rules
    assert (tmp_path / "ref" / "backend" / "api" / "routers" / "vehicles.py").is_file()
