"""Backlog shapes the examples do not have: two entities that each have many of the other,
a join entity whose request body points at another table, an entity declared by name alone
(no endpoint), a date-time field that must come back as it went in, rows named by a field
(`/books/{isbn}`) with a fixed-length unique column, a pattern with a lookahead, and path
parameters Python or the handler already uses (`{class}`, `{session}`, and `{user_id}` in a
user's own collection behind auth), enums of integers, numbers and booleans, a list's own page
bounds, a query parameter and a response field that are not fields of the entity, a key to the
user named by an index (`loans(member_id, book_id)`), and a unique column with a pattern.

Real PostgreSQL and Redis, the local sandbox, the service's own suite and gates.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from agent.verify import database
from agent.verify.gates import GateContext, run_gates
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.e2e.helpers import serving

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
    assert ops[("GET", "/books/{isbn}")].kind == "action"
    assert ops[("DELETE", "/books/{isbn}")].kind == "action"
    reported = {g.text: g.reason for g in spec.gaps if g.kind == "endpoint"}
    assert "finds a Book by its `isbn`" in reported["GET /books/{isbn}"]


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, service_python: Path, spec: ServiceSpec
) -> tuple[Path, LocalSandbox]:
    """The shapes backlog, scaffolded item by item."""
    repo = tmp_path_factory.mktemp("shapes")
    box = LocalSandbox(repo, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))
    return repo, box


@pytest.mark.slow
def test_the_service_passes_every_gate_but_load(
    service: tuple[Path, LocalSandbox], spec: ServiceSpec
) -> None:
    """Scaffolded item by item, the service passes ruff, its own suite (the enrollment is
    created with a student that exists, the event's `starts_at` comes back equal), the
    migrations up, down and up on PostgreSQL, the contract (schemathesis finds no 5xx; the
    501 stubs are not exercised) and the security probes (rows seeded with values of each
    pattern and format); the 13-character unique ISBN's factory rows fit their column; the
    lookahead pattern compiles (Python's regex engine) and is enforced."""
    repo, box = service
    ctx = GateContext(
        sandbox=box, services=HOST_SERVICES, repo=repo,
        db_prefix=f"ba_shapes_{uuid.uuid4().hex[:8]}", timeout_s=300, spec=spec,
    )  # fmt: skip
    evidence = run_gates(ctx, ["lint", "tests", "migrations", "contract", "security"], 1)
    assert [(c.name, c.passed) for c in evidence.checks] == [
        ("lint", True),
        ("tests", True),
        ("migrations", True),
        ("contract", True),
        ("security", True),
    ], [f"{f.where}: {f.message}" for c in evidence.checks for f in c.failures]
    contract = next(c for c in evidence.checks if c.name == "contract")
    assert contract.figures["not_implemented"] == 2  # GET and DELETE /books/{isbn}: 501
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
        "test_ac_apt_1_1_invalid",  # duration_minutes 61: not one of 15, 30, 45, 60
        "test_list_appointments_ok",  # the declared default limit 10, and 51 refused
        "test_create_loan_created",
        "test_list_editions_ok",  # two factory rows, each ISBN thirteen digits
    } <= names


@contextmanager
def _served(service: tuple[Path, LocalSandbox], python: Path) -> Iterator[tuple[httpx.Client, str]]:
    """The shapes service under uvicorn on a fresh database: a client, and the database."""
    repo, box = service
    name = f"ba_shapes_{uuid.uuid4().hex[:8]}"
    database.create(box, HOST_SERVICES.postgres_url, name)
    env = {
        "DATABASE_URL": database.service_url(HOST_SERVICES.postgres_url, name),
        "JWT_SECRET": "s" * 32,
        "RATE_LIMIT_PREFIX": f"shapes-{uuid.uuid4().hex}",
    }
    try:
        with serving(repo, python, env) as http:
            yield http, name
    finally:
        database.drop(box, HOST_SERVICES.postgres_url, name)


def _psql(db: str, sql: str) -> list[str]:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.split("\n")


@pytest.mark.slow
def test_a_nul_character_is_refused_not_a_server_error(
    service: tuple[Path, LocalSandbox], service_python: Path
) -> None:
    """PostgreSQL cannot store a NUL character: in a text field or inside a JSON field it is
    refused with 422 at the edge, never a 500 from the database."""
    with _served(service, service_python) as (http, _):
        assert http.post("/forms", json={"title": "ok"}).status_code == 201
        for body in ({"title": "a\x00b"}, {"title": "t", "meta": {"k": "\x00"}}):
            refused = http.post("/forms", json=body)
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["code"] == "validation_error"


@pytest.mark.slow
def test_served_enums_keep_their_json_type(
    service: tuple[Path, LocalSandbox], service_python: Path
) -> None:
    """An integer enum takes the `45` a client sends and refuses `"45"` and `50` (it was
    served as the strings "15" … "60"), also as a query filter; number and boolean enums
    likewise; `ends_at`, which only the response names, comes back as a column (null until
    a model sets it)."""
    with _served(service, service_python) as (http, _):
        when = "2030-05-01T09:00:00Z"
        made = http.post("/appointments", json={"starts_at": when, "duration_minutes": 45})
        assert made.status_code == 201, made.text
        assert made.json()["duration_minutes"] == 45 and made.json()["ends_at"] is None
        row = http.get(f"/appointments/{made.json()['id']}").json()
        assert "ends_at" in row and row["duration_minutes"] == 45
        for bad in ({"duration_minutes": "45"}, {"duration_minutes": 50}, {"fee": 13},
                    {"remote": False}):  # fmt: skip
            body = {"starts_at": when, "duration_minutes": 45, **bad}
            refused = http.post("/appointments", json=body)
            assert refused.status_code == 422, (bad, refused.text)
        full = {"starts_at": when, "duration_minutes": 30, "fee": 12.5, "remote": True}
        assert http.post("/appointments", json=full).status_code == 201
        assert http.get("/appointments", params={"duration_minutes": 45}).json()["total"] == 1
        assert http.get("/appointments", params={"duration_minutes": 50}).status_code == 422


@pytest.mark.slow
def test_served_page_bounds_are_the_backlogs(
    service: tuple[Path, LocalSandbox], service_python: Path
) -> None:
    """GET /appointments declares `limit` 1-50, default 10: `?limit=51` is 422 and `?limit=50`
    200 (it was served 1-100); GET /events declares none and keeps 1-100, default 20."""
    with _served(service, service_python) as (http, _):
        assert http.get("/appointments").json()["limit"] == 10
        assert http.get("/appointments", params={"limit": 50}).status_code == 200
        assert http.get("/appointments", params={"limit": 51}).status_code == 422
        assert http.get("/appointments", params={"limit": 0}).status_code == 422
        assert http.get("/events").json()["limit"] == 20
        assert http.get("/events", params={"limit": 100}).status_code == 200
        assert http.get("/events", params={"limit": 101}).status_code == 422


@pytest.mark.slow
def test_served_query_parameter_that_is_not_a_field_is_validated(
    service: tuple[Path, LocalSandbox], service_python: Path
) -> None:
    """`?date=` on GET /appointments (the entity has `starts_at`) is validated as a date
    (`nope` is 422; it was dropped, so anything passed), and the handler, which does not
    apply it until a model does, answers 200.
    The loans' key to the user is `member_id`, as the declared index names it, in the table
    and in the index."""
    with _served(service, service_python) as (http, db):
        dated = http.get("/appointments", params={"date": "2030-01-01"})
        assert dated.status_code == 200, dated.text  # the handler does not trip over it
        assert http.get("/appointments", params={"date": "nope"}).status_code == 422
        sql = "SELECT column_name FROM information_schema.columns WHERE table_name = 'loans'"
        assert "member_id" in _psql(db, sql) and "owner_id" not in _psql(db, sql)
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_loans_member_id_book_id'"
        assert "(member_id, book_id)" in _psql(db, sql)[0]
