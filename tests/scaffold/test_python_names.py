"""A backlog that names things as Python cannot (an entity `Class`; fields `from`, `global`,
`first-name`, `2fa`, `metadata`, a password field `pass`) still becomes a working service: safe
names in the code, the backlog's names on the wire and in the database.

Real PostgreSQL and Redis, the local sandbox, the service's own suite and gates.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold import render
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.spec.types import ServiceSpec
from agent.verify import database
from agent.verify.gates import GateContext, run_gates
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.e2e.helpers import serving

BACKLOG = Path(__file__).parents[1] / "data" / "keywords.json"
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def spec() -> ServiceSpec:
    return compile_backlog(load_backlog(BACKLOG))


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, service_python: Path, spec: ServiceSpec
) -> tuple[Path, LocalSandbox]:
    """The keywords backlog, scaffolded item by item."""
    repo = tmp_path_factory.mktemp("keywords") / "svc"
    repo.mkdir()
    box = LocalSandbox(repo, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))
    return repo, box


@pytest.fixture
def served_db(service: tuple[Path, LocalSandbox]) -> Iterator[str]:
    """A fresh database for the running service: its name."""
    name = f"ba_kw_{uuid.uuid4().hex[:8]}"
    database.create(service[1], HOST_SERVICES.postgres_url, name)
    yield name
    database.drop(service[1], HOST_SERVICES.postgres_url, name)


def _columns(db: str, table: str) -> set[str]:
    sql = f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("example", ["taskboard.json", "bookshop.json"])
def test_safe_names_render_as_before(example: str) -> None:
    """Where every name is already safe, no alias and no explicit column name is emitted."""
    rendered = render.files(compile_backlog(load_backlog(EXAMPLES / example)))
    assert not [p for p, text in rendered.items() if "alias=" in text]
    assert not [p for p, text in rendered.items() if 'mapped_column("' in text]


@pytest.mark.slow
def test_service_passes_its_suite_lint_and_migrations(
    service: tuple[Path, LocalSandbox], spec: ServiceSpec
) -> None:
    """The generated suite passes, ruff is clean, and the migrations run up, down and up
    on PostgreSQL; the entity `Class` lives in the module `class_`."""
    repo, box = service
    ctx = GateContext(
        sandbox=box,
        services=HOST_SERVICES,
        repo=repo,
        db_prefix=f"ba_kw_{uuid.uuid4().hex[:8]}",
        timeout_s=300,
        spec=spec,
    )
    evidence = run_gates(ctx, ["lint", "tests", "migrations"], 1)
    assert [(c.name, c.passed) for c in evidence.checks] == [
        ("lint", True),
        ("tests", True),
        ("migrations", True),
    ], [f"{f.where}: {f.message}" for c in evidence.checks for f in c.failures]
    assert evidence.tests and all(t.outcome == "passed" for t in evidence.tests)
    assert (repo / "backend" / "domain" / "models" / "class_.py").exists()
    assert (repo / "backend" / "api" / "routers" / "classes.py").exists()


@pytest.mark.slow
def test_wire_and_columns_keep_the_backlog_names(
    service: tuple[Path, LocalSandbox], served_db: str, service_python: Path
) -> None:
    """`{"from": ...}` goes in and comes back as `from` (not `from_`), query parameters and
    columns are named as written, and a Python name on the wire is refused."""
    repo, _ = service
    env = {
        "DATABASE_URL": database.service_url(HOST_SERVICES.postgres_url, served_db),
        "JWT_SECRET": "s" * 32,
        "RATE_LIMIT_PREFIX": f"kw-{uuid.uuid4().hex}",
    }
    with serving(repo, service_python, env) as http:
        account = {"user-name": "ada", "pass": "correct-horse"}
        assert http.post("/auth/register", json=account).json()["user-name"] == "ada"
        token = http.post("/auth/login", json=account).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        body = {"name": "Algebra", "from": "2030-09-01", "global": True, "first-name": "Ada"}
        created = http.post("/classes", json=body, headers=auth)
        assert created.status_code == 201, created.text
        assert {k: created.json()[k] for k in body} == body
        assert not {"from_", "global_", "first_name"} & set(created.json())
        renamed = {"name": "Algebra", "from_": "2030-09-01"}
        assert http.post("/classes", json=renamed, headers=auth).status_code == 422
        found = http.get("/classes", params={"from": "2030-09-01"}, headers=auth).json()
        assert found["total"] == 1 and found["items"][0]["from"] == "2030-09-01"
        assert http.get("/classes", params={"from": "2031-01-01"}, headers=auth).json() == {
            "items": [],
            "total": 0,
            "limit": 20,
            "offset": 0,
        }
        assert http.get("/classes", params={"first-name": "Ada"}, headers=auth).json()["total"]
        changed = http.patch(
            f"/classes/{created.json()['id']}", json={"first-name": "Bo"}, headers=auth
        )
        assert changed.json()["first-name"] == "Bo" and changed.json()["from"] == "2030-09-01"
        student = http.post(
            f"/classes/{created.json()['id']}/students",
            json={"import": "Cy", "2fa": False, "metadata": {"room": 4}},
            headers=auth,
        )
        assert student.status_code == 201, student.text
        got = student.json()
        assert (got["import"], got["2fa"], got["metadata"]) == ("Cy", False, {"room": 4})
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
        assert set(schemas["CreateClassRequest"]["properties"]) == set(body)
        assert set(schemas["CreateClassResponse"]["properties"]) == {"id", *body}
    assert {"from", "global", "first-name", "owner_id"} <= _columns(served_db, "classes")
    assert {"import", "2fa", "metadata", "class_id"} <= _columns(served_db, "students")
    assert {"user-name", "pass_hash"} <= _columns(served_db, "users")
