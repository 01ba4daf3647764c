"""The policy lets a model move generated code toward the backlog: the plan reads a
create as 201 (the convention: the backlog's code is only in a business rule's prose), the
scripted model changes the route and its own item's generated test to the 200 the rule
asks for, and every gate passes on it (the contract gate checks what the service serves,
the oracle accepts any success where the backlog declares no code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir

pytestmark = pytest.mark.slow
LINKS = Path(__file__).parents[1] / "data" / "links.json"
RULE = (
    "Shortening a URL is answered with 200 and the link, as the old service did: "
    "clients check for 200"
)
ROUTE = '@router.post("/links", status_code={code}, response_model=CreateLinkResponse)'
CHECK = "    assert response.status_code == {code}, response.text"


def _script(path: Path) -> Path:
    edits = [
        flow.call(
            "e1",
            "edit_file",
            path="backend/api/routers/links.py",
            old_text=ROUTE.format(code=201),
            new_text=ROUTE.format(code=200),
        ),
        flow.call(
            "e2",
            "edit_file",
            path="backend/tests/test_links.py",
            old_text=CHECK.format(code=201),
            new_text=CHECK.format(code=200),
        ),
    ]
    summary = {"summary": "create answers 200", "implemented": [RULE], "not_implemented": []}
    replies = [
        flow.turn("The backlog's rule asks for 200, not the generated 201.", *edits),
        flow.turn("", flow.call("f1", "finish", **summary)),
    ]
    return flow.write_script(path, replies, {0: ["POST /links: create", RULE]})


def test_a_generated_status_code_changed_to_the_backlogs_passes_every_gate(
    tmp_path: Path,
) -> None:
    """The run ends passed with every default gate; the service answers 200 to a create."""
    repo = tmp_path / "svc"
    done = cli(
        "run", str(LINKS), "--repo", str(repo), "--sandbox", "local",
        "--model", f"scripted:{_script(tmp_path / 'script.jsonl')}", "--p95-ms", "2000",
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed"
    assert all(g.passed for g in item.gates), [(g.name, g.summary) for g in item.gates]
    assert ROUTE.format(code=200) in (repo / "backend/api/routers/links.py").read_text()
