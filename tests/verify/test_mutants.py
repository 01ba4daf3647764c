"""The mutants of `agent/verify/mutate`, applied to the code the scaffold generates for the
example: each takes away one behaviour and leaves the rest as it was."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from agent.backlog import load_backlog
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.mutate import edits, fields, source

EXAMPLE = Path(__file__).parents[2] / "examples" / "taskboard.json"
RULES = "backend/domain/rules/task.py"


@pytest.fixture(scope="module")
def taskboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's service as the scaffold writes it (not formatted: ast reads it)."""
    repo = tmp_path_factory.mktemp("taskboard")
    spec = compile_backlog(load_backlog(EXAMPLE))
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, lambda files: None)
    rules = repo / RULES
    rules.write_text(
        rules.read_text().replace(
            "    return changes",
            "    if current.status == 'done' and changes.get('status') == 'todo':\n"
            "        raise RuleViolation('done cannot go back to todo')\n"
            "    return changes",
        )
    )
    return repo


def _mutate(repo: Path, mutant: dict[str, Any]) -> dict[str, str]:
    """The mutant applied in memory: the source of each module it changed."""
    modules = source.load(repo)
    edit = fields.validation if mutant["kind"] == "validation" else edits.EDITS[mutant["kind"]]
    edit(modules, mutant)
    return {m.rel: ast.unparse(m.tree) for m in modules if m.edits}


def _class(text: str, name: str) -> str:
    tree = ast.parse(text)
    return next(ast.unparse(n) for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def test_a_lower_bound_goes_and_the_upper_bound_stays(taskboard: Path) -> None:
    """min on `password`: min_length gone from the register body, max_length kept; the
    other fields and models untouched."""
    changed = _mutate(
        taskboard,
        {
            "kind": "validation",
            "field": "password",
            "bound": "min",
            "endpoints": [["POST", "/api/v1/auth/register"]],
        },
    )
    assert list(changed) == ["backend/api/schemas/user.py"]
    register = _class(changed["backend/api/schemas/user.py"], "RegisterUserRequest")
    assert "password: Annotated[str, Field(max_length=128)]" in register
    assert "full_name: Annotated[str, Field(min_length=1, max_length=100)]" in register


def test_format_and_enum_become_plain_text(taskboard: Path) -> None:
    """format on `email`: EmailStr becomes str; enum on `status`: the Literal becomes str,
    in the request models of the named endpoint only."""
    email = _mutate(
        taskboard,
        {
            "kind": "validation",
            "field": "email",
            "bound": "format",
            "endpoints": [["POST", "/api/v1/auth/register"]],
        },
    )
    assert "email: str" in _class(email["backend/api/schemas/user.py"], "RegisterUserRequest")
    assert "email: EmailStr" in _class(email["backend/api/schemas/user.py"], "LoginUserRequest")
    status = _mutate(
        taskboard,
        {
            "kind": "validation",
            "field": "status",
            "bound": "enum",
            "endpoints": [["PATCH", "/api/v1/tasks/{task_id}"]],
        },
    )
    patched = _class(status["backend/api/schemas/task.py"], "UpdateTaskRequest")
    assert "status: str | None = None" in patched
    created = _class(status["backend/api/schemas/task.py"], "CreateProjectTaskRequest")
    assert "Literal['todo', 'doing', 'done']" in created


def test_the_token_check_and_the_login_check_are_apart(taskboard: Path) -> None:
    """token: the 401s of the bearer dependency go, login's stays; credentials: the
    reverse."""
    token = _mutate(taskboard, {"kind": "token"})
    assert list(token) == ["backend/api/deps.py"]
    assert "raise UNAUTHORIZED" not in token["backend/api/deps.py"]
    login = _mutate(
        taskboard, {"kind": "credentials", "endpoints": [["POST", "/api/v1/auth/login"]]}
    )
    assert list(login) == ["backend/api/routers/auth.py"]
    assert "raise HTTPException(401" not in login["backend/api/routers/auth.py"]


def test_a_rule_module_loses_its_raises_and_nothing_else_does(taskboard: Path) -> None:
    """rule: only the named module's `raise RuleViolation` becomes `pass`; the module is
    found as one that raises."""
    base = source.load(taskboard)
    assert edits.rule_modules(base) == [RULES]
    changed = _mutate(taskboard, {"kind": "rule", "module": RULES})
    assert list(changed) == [RULES]
    assert "raise RuleViolation" not in changed[RULES] and "pass" in changed[RULES]


def test_an_endpoint_stub_and_the_409_path(taskboard: Path) -> None:
    """endpoint: only the named handler raises; conflict: the IntegrityError handler is no
    longer installed."""
    stub = _mutate(taskboard, {"kind": "endpoint", "endpoints": [["POST", "/api/v1/projects"]]})
    routers = stub["backend/api/routers/projects.py"]
    assert routers.count("raise NotImplementedError") == 1
    conflict = _mutate(taskboard, {"kind": "conflict"})
    assert "add_exception_handler(IntegrityError" not in conflict["backend/core/errors.py"]


def test_a_mutant_with_nothing_to_take_away_changes_nothing(taskboard: Path) -> None:
    """A field nobody declares, an endpoint nobody serves: no file changed (not run)."""
    assert _mutate(taskboard, {"kind": "validation", "field": "nickname", "bound": "min"}) == {}
    assert _mutate(taskboard, {"kind": "endpoint", "endpoints": [["GET", "/nowhere"]]}) == {}


def test_the_hooks_mutant_makes_a_busy_hook_hand_its_input_back(taskboard: Path) -> None:
    """A rule module whose hook does something is one hooks mutant; each busy `before_*`
    then returns what it was given (`changes`), and the idle ones are left alone."""
    modules = source.load(taskboard)
    assert edits.hook_modules(modules) == [RULES]
    changed = _mutate(taskboard, {"kind": "hooks", "module": RULES})
    tree = ast.parse(changed[RULES])
    bodies = {
        n.name: [ast.unparse(s) for s in n.body if not isinstance(s, ast.Expr)]  # no docstring
        for n in tree.body
        if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef) and n.name.startswith("before_")
    }
    assert bodies["before_update"] == ["return changes"]  # its refusal gone with the rest
    assert bodies["before_create"] == ["return values"]


def test_the_scope_mutant_lists_without_the_parent_filter(taskboard: Path) -> None:
    """The nested list handler loses `filters["project_id"] = project_id`; its query's own
    filters and the parent's 404 stay."""
    route = ["GET", "/api/v1/projects/{project_id}/tasks"]
    changed = _mutate(taskboard, {"kind": "scope", "endpoints": [route]})
    [(rel, text)] = changed.items()
    assert rel == "backend/api/routers/tasks.py"
    handler = text.split("async def list_project_tasks", 1)[1].split("async def ", 1)[0]
    assert "filters['project_id']" not in handler
    assert "query.model_dump()" in handler and "Project not found" in handler
