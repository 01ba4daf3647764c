"""The model's workbench on a generated service (the vault, scaffolded once): send it a
request on the current code (`http_request`), make a migration from the models
(`make_migration`), read the last verify's failures whole (`show_evidence`). Real local
sandbox, real PostgreSQL; the session's own database, dropped at the end."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.verify import database
from agent.verify.brief import whole
from agent.verify.evidence import CheckResult, Evidence, Exchange, Failure
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify import service
from tools.toolbox import Toolbox

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clean_vault(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("vault") / "svc"
    repo.mkdir()
    service.scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES))
    return repo


@pytest.fixture
def workbench(
    clean_vault: Path, tmp_path: Path, local_box: Callable[[Path], LocalSandbox]
) -> Iterator[tuple[Toolbox, Path]]:
    """A toolbox on a fresh copy of the vault, with the service database the session gives."""
    repo = service.copy(clean_vault, tmp_path / "svc")
    box = local_box(repo)
    name = f"ba_tool_{uuid.uuid4().hex[:8]}"
    url = database.create(box, HOST_SERVICES.postgres_url, name)
    toolbox = Toolbox(
        box, service_db=lambda: {"database_url": url, "redis_url": HOST_SERVICES.redis_url}
    )
    yield toolbox, repo
    database.drop(box, HOST_SERVICES.postgres_url, name)


def test_http_request_finds_a_bug_that_a_fix_then_removes(workbench: tuple[Toolbox, Path]) -> None:
    """A planted crash answers 500 with the service's log (the exception named); after the
    model's edit the same request answers 201, and the row is there for the next request
    (the database lives for the session)."""
    toolbox, repo = workbench
    rules = "backend/domain/rules/memo.py"
    service.plant(
        repo,
        rules,
        "    return values\n",
        '    raise KeyError("title_slug")  # planted\n',
    )
    body = {"title": "groceries"}
    broken = toolbox.call(
        "http_request", {"method": "POST", "path": "/memos", "json_body": body, "auth": True}
    )
    assert not broken.is_error, broken.output
    assert "-> 500" in broken.output and "title_slug" in broken.output
    fixed = toolbox.call(
        "edit_file",
        {
            "path": rules,
            "old_text": '    raise KeyError("title_slug")  # planted\n',
            "new_text": "    return values\n",
        },
    )
    assert not fixed.is_error, fixed.output
    made = toolbox.call(
        "http_request", {"method": "POST", "path": "/memos", "json_body": body, "auth": True}
    )
    assert "-> 201" in made.output, made.output
    memo = json.loads(made.output.split("body: ", 1)[1])
    assert f"as the caller {memo['owner_id']}" in made.output
    read = toolbox.call(
        "http_request", {"method": "GET", "path": f"/memos/{memo['id']}", "auth": True}
    )
    assert "-> 200" in read.output and "groceries" in read.output
    anonymous = toolbox.call("http_request", {"method": "GET", "path": f"/memos/{memo['id']}"})
    assert "-> 401" in anonymous.output


def test_make_migration_adds_a_column_the_migrations_gate_then_passes(
    workbench: tuple[Toolbox, Path], local_box: Callable[[Path], LocalSandbox]
) -> None:
    """A column added to the ORM model becomes a reviewed migration whose upgrade adds it;
    it is lint-clean, and upgrade, downgrade and upgrade again pass the migrations gate
    (the model's column among the scaffold's). With nothing changed,
    no file is kept."""
    toolbox, repo = workbench
    model = repo / "backend/domain/models/memo.py"
    text = model.read_text()
    anchor = "    title: Mapped[str | None]"
    assert anchor in text, text
    line = next(t for t in text.splitlines() if t.startswith(anchor))
    text = text.replace("from sqlalchemy import ", "from sqlalchemy import Boolean, ")
    model.write_text(
        text.replace(line, line + "\n    pinned: Mapped[bool | None] = mapped_column(Boolean())")
    )
    made = toolbox.call("make_migration", {"name": "add pinned to memos"})
    assert not made.is_error, made.output
    assert 'op.add_column("memos"' in made.output and "pinned" in made.output
    assert len(list((repo / "alembic/versions").glob("*add_pinned_to_memos*.py"))) == 1
    evidence = service.verify(repo, local_box(repo), ["lint", "migrations"])
    assert all(c.passed for c in evidence.checks), [c.failures for c in evidence.checks]
    again = toolbox.call("make_migration", {"name": "nothing new"})
    assert "nothing to migrate" in again.output
    assert not list((repo / "alembic/versions").glob("*nothing_new*.py"))


def test_show_evidence_pages_whole_failures(tmp_path: Path) -> None:
    """One failure at a time, in full: the expectation with its backlog path, the request
    and the untrimmed response; before any verify, an error the model can act on."""
    long_answer = "x" * 5000
    failure = Failure(
        check="oracle",
        where="POST /memos",
        message="a valid body was refused",
        expected="`title` of 1 to 80 characters is accepted",
        source="backlog_items[0].api_requirements[2].request_schema.title",
        exchange=Exchange(
            method="POST", path="/memos", body={"title": "a"}, status=422, response=long_answer
        ),
    )
    evidence = Evidence(
        iteration=1,
        sandbox="local",
        checks=[CheckResult(name="contract", passed=False, failures=[failure])],
    )
    box = LocalSandbox(tmp_path, Path(shutil.which("python3") or "python3"), HOST_SERVICES)
    shown = Toolbox(box, evidence=whole(evidence)).call("show_evidence", {"number": 1}).output
    assert shown.startswith("failure 1 of 1\ngate contract, check oracle")
    assert "(the backlog: backlog_items[0].api_requirements[2].request_schema.title)" in shown
    assert 'request: POST /memos {"title": "a"}' in shown and long_answer in shown
    beyond = Toolbox(box, evidence=whole(evidence)).call("show_evidence", {"number": 2})
    assert beyond.is_error and "ask for 1 to 1" in beyond.output
    before = Toolbox(box).call("show_evidence", {})
    assert before.is_error and "no verify has run" in before.output
