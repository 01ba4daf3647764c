"""Backlog shapes the examples do not have: two entities that each have many of the other,
a join entity whose request body points at another table, an entity declared by name alone
(no endpoint), a date-time field that must come back as it went in, rows named by a field
(`/books/{isbn}`) with a fixed-length unique column, a pattern with a lookahead, and path
parameters Python or the handler already uses (`{class}`, `{session}`, and `{user_id}` in a
user's own collection behind auth).

Real PostgreSQL and Redis, the local sandbox, the service's own suite and gates.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from agent.verify.gates import GateContext, run_gates
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES

BACKLOG = Path(__file__).parents[1] / "data" / "shapes.json"


@pytest.fixture(scope="module")
def spec() -> ServiceSpec:
    return compile_backlog(load_backlog(BACKLOG))


def test_many_to_many_is_reported_and_builds_no_cycle(spec: ServiceSpec) -> None:
    """`Student has many Courses` beside `Course has many Students`: neither table gets a
    key to the other (the two keys would make a cycle no migration can create); both
    sentences are reported as not implemented, naming the join entity way out."""
    student, course = spec.entity("Student"), spec.entity("Course")
    assert student is not None and course is not None
    assert student.foreign_keys == [] and course.foreign_keys == []
    reported = {g.text: g.reason for g in spec.gaps if g.kind == "relationship"}
    for text in ("Student has many Courses", "Course has many Students"):
        assert "many-to-many" in reported[text] and "join entity" in reported[text]
    enrollment = spec.entity("Enrollment")
    assert enrollment is not None
    assert {fk.ref_table for fk in enrollment.foreign_keys} == {"courses", "students"}


def test_an_entity_declared_by_name_alone_gets_its_table(spec: ServiceSpec) -> None:
    """`AuditEntry`, named in data_requirements with no fields and no endpoint, is a table,
    and `Ticket has many AuditEntries` gives it its key."""
    entry = spec.entity("AuditEntry")
    assert entry is not None and entry.table == "audit_entries"
    assert [fk.column for fk in entry.foreign_keys] == ["ticket_id"]


def test_an_item_path_naming_a_field_is_left_to_a_model(spec: ServiceSpec) -> None:
    """`GET /books/{isbn}` finds a book by its ISBN, not by id: served as 501 and reported
    as not implemented, never answered by an id lookup that would claim it."""
    ops = {(o.method, o.path): o for o in spec.operations}
    assert ops[("GET", "/books/{isbn}")].kind == "custom"
    assert ops[("DELETE", "/books/{isbn}")].kind == "custom"
    reported = {g.text: g.reason for g in spec.gaps if g.kind == "endpoint"}
    assert "finds a Book by its `isbn`" in reported["GET /books/{isbn}"]


@pytest.mark.slow
def test_the_service_passes_its_suite_lint_and_migrations(
    tmp_path: Path, service_python: Path, spec: ServiceSpec
) -> None:
    """Scaffolded item by item, the service passes ruff, its own suite (the enrollment is
    created with a student that exists, the event's `starts_at` comes back equal) and the
    migrations up, down and up on PostgreSQL; the 13-character unique ISBN's factory rows fit
    their column; the lookahead pattern compiles (Python's regex engine) and is enforced."""
    box = LocalSandbox(tmp_path, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(tmp_path, spec, item, ruff_formatter(box))
    ctx = GateContext(
        sandbox=box, services=HOST_SERVICES, repo=tmp_path,
        db_prefix=f"ba_shapes_{uuid.uuid4().hex[:8]}", timeout_s=300, spec=spec,
    )  # fmt: skip
    evidence = run_gates(ctx, ["lint", "tests", "migrations"], 1)
    assert [(c.name, c.passed) for c in evidence.checks] == [
        ("lint", True),
        ("tests", True),
        ("migrations", True),
    ], [f"{f.where}: {f.message}" for c in evidence.checks for f in c.failures]
    names = {t.name for t in evidence.tests if t.outcome == "passed"}
    assert {
        "test_create_course_enrollment_created",
        "test_create_event_created",
        "test_create_book_created",
        "test_list_books_ok",  # two factory rows, each ISBN within its 13 characters
        "test_create_code_created",
        "test_ac_up_1_1_invalid",
        "test_read_class_ok",
        "test_list_session_notes_ok",
        "test_list_user_posts_ok",  # the caller's own: /users/{the caller}/posts
    } <= names
