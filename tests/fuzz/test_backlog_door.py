"""The backlog door: whatever a backlog file holds, `validate` refuses it with a JSON path
for every problem, or the plan and the scaffold take it: every file of the service is
written and every Python file of it compiles. No third outcome (an exception of ours).

The slow companion (`test_backlog_door_gates.py`) runs accepted backlogs through the
generated service's own lint, tests and migrations on real PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, example, given

from agent.backlog.loader import parse_backlog
from agent.errors import BacklogError
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from tests.fuzz.backlogs import backlog, sane_backlog

# Every problem line starts with where it is: `$` (the file) or the path of a key.
WHERE = re.compile(r"^(\$|[A-Za-z_][\w\-]*)(\[[^\]]*\]|\.[^\s.\[:]+)*: \S")


def accepted_or_refused(doc: object) -> Path | None:
    """Refused: None, after checking each problem names its path. Accepted: the scaffolded
    repo (a temporary folder the caller removes)."""
    try:
        loaded = parse_backlog(json.dumps(doc))
    except BacklogError as exc:
        event("refused")
        assert exc.problems, "refused with no problem named"
        for line in exc.problems:
            assert WHERE.match(line), f"a problem without its path: {line!r}"
        return None
    spec = compile_backlog(loaded)
    if not spec.item_ids():  # nothing an offline plan can build: each item is a reported gap
        event("accepted: every item a gap")
        assert {g.item_id for g in spec.gaps} == {i.id for i in loaded.backlog_items}
        return None
    event("accepted")
    repo = Path(tempfile.mkdtemp(prefix="fuzz-backlog-"))
    for item_id in spec.item_ids():
        scaffold_item(repo, spec, item_id, lambda files: None)
    for source in repo.rglob("*.py"):
        compile(source.read_text(), str(source), "exec")
    assert (repo / "backend" / "main.py").exists()
    return repo


# Found by the long run: an empty key in an item (its path read `backlog_items[0].`).
EMPTY_KEY = {"backlog_items": [{"id": "A-1", "user_story": "s", "priority": 10, "": None}]}
# Found by the long run: a NUL and a carriage return in a rule, written into a docstring.
CONTROL_RULE = {
    "backlog_items": [{
        "id": "IT-0", "user_story": "0", "priority": 1,
        "api_requirements": [
            {"method": "POST", "endpoint": "/aaa", "request_schema": {"class": "string"}},
            {"method": "GET", "endpoint": "/aaa/{id}", "response_schema": {"class": "string"},
             "description": 'ends in a quote " and a backslash \\'},
        ],
        "business_logic": {"rules": ['a\x00b\rc """ d \\']},
    }]
}  # fmt: skip


@given(backlog)
@example(EMPTY_KEY)
@example(CONTROL_RULE)
def test_any_backlog_is_refused_with_paths_or_scaffolds(doc: object) -> None:
    """validate's refusal names a path per problem, or the service is written and compiles."""
    repo = accepted_or_refused(doc)
    if repo is not None:
        shutil.rmtree(repo)


@given(sane_backlog())
def test_a_careful_authors_backlog_is_refused_with_paths_or_scaffolds(doc: object) -> None:
    """The same, on backlogs drawn only from what the schema allows (most reach scaffold)."""
    repo = accepted_or_refused(doc)
    if repo is not None:
        shutil.rmtree(repo)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "content_type": "text/html"},  # issue 16: died in plan
    ],
)
def test_found_inputs_are_refused_with_their_path(schema: dict[str, object]) -> None:
    """Inputs that once crashed a run: refused by validate, naming where."""
    doc = {
        "backlog_items": [{
            "id": "X-1", "user_story": "s", "priority": 1,
            "api_requirements": [{"method": "GET", "endpoint": "/x", "response_schema": schema}],
        }]
    }  # fmt: skip
    with pytest.raises(BacklogError) as refused:
        parse_backlog(json.dumps(doc))
    assert any(
        p.startswith("backlog_items[0].api_requirements[0].response_schema")
        for p in refused.value.problems
    ), refused.value.problems
