"""The spec compiler: what it reads from a backlog, and what it reports it cannot build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.backlog.schema import Backlog
from agent.spec.compiler import compile_backlog
from agent.spec.paths import operation_kind, shape
from agent.spec.relations import parse_index, parse_relationship
from agent.spec.schemas import object_fields
from agent.spec.types import ServiceSpec

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def taskboard() -> ServiceSpec:
    return compile_backlog(load_backlog(EXAMPLES / "taskboard.json"))


def test_entities_keys_and_indexes(taskboard: ServiceSpec) -> None:
    """Entities from names and objects; foreign keys from relationships and nested paths."""
    project, task = taskboard.entity("Project"), taskboard.entity("Task")
    assert project is not None and task is not None
    assert [(k.column, k.ref_table) for k in project.foreign_keys] == [("owner_id", "users")]
    assert [(k.column, k.ref_table) for k in task.foreign_keys] == [("project_id", "projects")]
    assert {i.name for i in project.indexes} >= {"uq_projects_owner_id_name"}
    assert {i.name for i in task.indexes} >= {"ix_tasks_project_id_status"}
    user = taskboard.entity("User")
    assert user is not None and user.is_user and user.field("email").unique  # type: ignore[union-attr]


def test_ownership_runs_through_parents(taskboard: ServiceSpec) -> None:
    """Projects belong to the caller directly; tasks through their project."""
    task = taskboard.entity("Task")
    assert task is not None
    assert [(k.table, k.column) for k in task.owner_chain] == [
        ("tasks", "project_id"),
        ("projects", "owner_id"),
    ]


def test_operations_as_written(taskboard: ServiceSpec) -> None:
    """Every endpoint keeps its method and path, with the kind the scaffold builds."""
    kinds = {(o.method, o.path): o.kind for o in taskboard.operations}
    assert kinds[("POST", "/api/v1/auth/register")] == "register"
    assert kinds[("POST", "/api/v1/auth/login")] == "login"
    assert kinds[("GET", "/api/v1/projects/{project_id}/tasks")] == "list"
    assert kinds[("PATCH", "/api/v1/tasks/{task_id}")] == "update"
    login = next(o for o in taskboard.operations if o.kind == "login")
    assert login.rate_limit is not None and (login.rate_limit.count, login.rate_limit.seconds) == (
        5,
        60,
    )


def test_free_text_is_reported_not_dropped(taskboard: ServiceSpec) -> None:
    """Every rule, validation and calculation is a gap for a model, never silently lost."""
    texts = {g.text for g in taskboard.gaps}
    assert "A user may own at most 50 active projects" in texts
    assert "A project's progress is the share of its tasks that are done" in texts
    assert "A task marked done cannot be moved back to todo" in texts


def test_criteria_map_to_scenarios(taskboard: ServiceSpec) -> None:
    """Criteria that name an HTTP outcome get a test; the field a 422 names is the one broken."""
    tests = {t.test_name: t for t in taskboard.criteria_tests}
    assert tests["test_ac_auth_1_2_conflict"].handler == "register_user"
    assert tests["test_ac_auth_1_5_rate_limited"].handler == "login_user"
    assert tests["test_ac_task_1_2_invalid"].field == "title"


def test_extending_keeps_what_was_built(taskboard: ServiceSpec) -> None:
    """A second backlog adds to the spec an earlier one built; nothing of it is lost."""
    extra = load_backlog(Path(__file__).parents[1] / "data" / "comments.json")
    both = compile_backlog(extra, base=taskboard)
    assert {o.path for o in taskboard.operations} <= {o.path for o in both.operations}
    comment = both.entity("Comment")
    assert comment is not None and comment.item_id == "COMM-1"
    assert [k.ref_table for k in comment.foreign_keys] == ["tasks"]
    project = both.entity("Project")
    assert project is not None and project.field("color") is not None


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/v1/orders/{order_id}/cancel", "action"),
        ("GET", "/api/users/me", "me"),
        ("PUT", "/books/{book_id}", "replace"),
        ("DELETE", "/books", "action"),
    ],
)
def test_path_kinds(method: str, path: str, kind: str) -> None:
    """Paths are read by shape: collections, items, nested collections, auth words, actions."""
    assert operation_kind(method, shape(path)) == kind


def test_schema_spellings() -> None:
    """JSON Schema and the shorthand give the same constraints."""
    short = object_fields({"title": "string(1-200)", "status": "enum[open|done]", "n": "integer?"})
    assert (short[0].min_length, short[0].max_length, short[0].required) == (1, 200, True)
    assert short[1].enum == ["open", "done"] and not short[2].required
    full = object_fields(
        {
            "type": "object",
            "required": ["title"],
            "properties": {"title": {"type": "string", "maxLength": 5}},
        }
    )
    assert full[0].required and full[0].max_length == 5


def test_relationship_and_index_prose() -> None:
    """Common ways of writing relationships and indexes are read; the rest is None (a gap)."""
    assert parse_relationship("User has many Projects") is not None
    assert parse_relationship("Project 1:N Task").child == "Task"  # type: ignore[union-attr]
    assert parse_relationship("Tag many-to-many Post") is None
    index = parse_index("unique index on projects(owner_id, name)")
    assert index is not None and index.unique and index.columns == ("owner_id", "name")
    assert parse_index("make it fast") is None


def test_a_write_endpoint_without_request_schema_takes_the_entity_fields() -> None:
    """POST with no request_schema: the body is the entity's declared fields (the router
    once referenced a request model nobody generated)."""
    backlog = Backlog.model_validate(
        {
            "backlog_items": [
                {
                    "id": "T-1",
                    "user_story": "As a user I want tasks",
                    "priority": 50,
                    "api_requirements": [{"endpoint": "/api/v1/tasks", "method": "POST"}],
                    "data_requirements": {
                        "entities": [{"name": "Task", "fields": {"title": "string(1-100)"}}]
                    },
                    "acceptance_criteria": ["Creating a task returns 201"],
                }
            ]
        }
    )
    [create] = compile_backlog(backlog).operations
    assert [f.name for f in create.body] == ["title"]
    assert create.body[0].max_length == 100


def test_names_python_cannot_take_get_safe_attributes() -> None:
    """An entity `Class` lives in module `class_` but keeps its table, keys and handlers;
    fields keep their names for the wire and the columns, with a safe Python attribute that
    every body, query and response field of the entity shares."""
    spec = compile_backlog(load_backlog(Path(__file__).parents[1] / "data" / "keywords.json"))
    klass, student, user = spec.entity("Class"), spec.entity("Student"), spec.entity("User")
    assert klass is not None and student is not None and user is not None
    assert (klass.module, klass.table, klass.noun) == ("class_", "classes", "class")
    assert [k.column for k in student.foreign_keys] == ["class_id"]
    assert {"create_class", "list_classes", "create_class_student"} <= {
        o.handler for o in spec.operations
    }
    assert {f.name: f.attr for f in klass.fields} == {
        "name": "name",
        "from": "from_",
        "global": "global_",
        "first-name": "first_name",
        "owner_id": "owner_id",
    }
    assert {f.name: f.attr for f in student.fields} == {
        "import": "import_",
        "2fa": "field_2fa",
        "metadata": "metadata_",
        "class_id": "class_id",
    }
    assert [(f.name, f.attr, f.hash_attr) for f in user.fields if f.secret] == [
        ("pass", "pass_", "pass_hash")
    ]
    for op in (o for o in spec.operations if o.entity == "Class"):
        for field in [*op.body, *op.query, *(op.response or [])]:
            assert field.attr == klass.attr_of(field.name), (op.handler, field.name)


def test_python_attributes_stay_distinct() -> None:
    """A name already safe keeps itself; one made safe is numbered past its neighbours."""
    schema = {
        "from": "date",
        "from_": "date",
        "first-name": "string",
        "first_name": "string",
        "_id": "string",
        "metadata": "json",
        "created-at": "string",
    }
    backlog = Backlog.model_validate(
        {
            "backlog_items": [
                {
                    "id": "T-1",
                    "user_story": "As a user I want trips",
                    "priority": 50,
                    "api_requirements": [
                        {"endpoint": "/trips", "method": "POST", "request_schema": schema}
                    ],
                }
            ]
        }
    )
    [create] = compile_backlog(backlog).operations
    assert [f.attr for f in create.body] == [
        "from_2",
        "from_",
        "first_name_2",
        "first_name",
        "field_id",
        "metadata_",
        "created_at_2",
    ]


def _reprioritised(priorities: dict[str, int]) -> Backlog:
    raw = json.loads((EXAMPLES / "taskboard.json").read_text())
    for item in raw["backlog_items"]:
        item["priority"] = priorities[item["id"]]
    return Backlog.model_validate(raw)


def test_a_table_is_built_with_the_first_item_that_needs_it() -> None:
    """Projects behind auth ranked above the item declaring register/login: the users table
    comes with the projects item (its tokens need a user row). Tasks ranked above projects:
    the projects table comes with the tasks item (the foreign key needs it)."""
    spec = compile_backlog(_reprioritised({"AUTH-1": 10, "PROJ-1": 50, "TASK-1": 90}))
    owners = {e.name: e.item_id for e in spec.entities}
    assert owners == {"User": "TASK-1", "Project": "TASK-1", "Task": "TASK-1"}
    spec = compile_backlog(_reprioritised({"AUTH-1": 10, "PROJ-1": 90, "TASK-1": 50}))
    assert {e.name: e.item_id for e in spec.entities} == {
        "User": "PROJ-1", "Project": "PROJ-1", "Task": "TASK-1",
    }  # fmt: skip
    first = spec.slice({"PROJ-1"})
    assert {e.table for e in first.entities} == {"users", "projects"}


def test_entities_an_earlier_backlog_built_stay_with_their_item(taskboard: ServiceSpec) -> None:
    """Extending a repo never moves an entity it already has into the new backlog's items."""
    raw = json.loads((Path(__file__).parents[1] / "data" / "comments.json").read_text())
    extended = compile_backlog(Backlog.model_validate(raw), base=taskboard)
    before = {e.name: e.item_id for e in taskboard.entities}
    after = {e.name: e.item_id for e in extended.entities if e.name in before}
    assert after == before


def test_a_criterion_names_its_endpoint_by_the_entity_it_speaks_of() -> None:
    """ "Booking a place returns 201" is shown on POST /lessons/{lesson_id}/bookings, not on
    the first create of the item (POST /lessons): the proof found the old test unproven."""
    gym = Path(__file__).parents[2] / "evals/suites/builtin/gym-lesson-capacity/backlog.json"
    spec = compile_backlog(load_backlog(gym))
    first = next(t for t in spec.criteria_tests if t.index == 0)
    assert (first.scenario, spec.op(first.handler).path) == (
        "created",
        "/lessons/{lesson_id}/bookings",
    )
