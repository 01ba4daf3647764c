"""One scripted run through the CLI, followed as it works and afterwards: `--progress json`
on stdout, the summary on stderr, the tree it leaves, and `backend-agent show`.

The run is NOTE-1's stuck story (`notes_flow`): implement writes a buggy rule and its test,
verify fails, the repair writes the same bug again, verify fails the same way, and the
loop stops as stuck. Four model turns, two verifies, one scripted model, a local sandbox.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import git
import pytest

from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir

pytestmark = pytest.mark.slow
GATES = "lint,tests"
STUCK = "stuck: the same failures twice in a row"


class Followed:
    """What the run left: its repo, its JSON events (stdout), its stderr, its exit code."""

    def __init__(self, repo: Path, stdout: str, stderr: str, code: int) -> None:
        self.repo, self.stderr, self.code = repo, stderr, code
        self.events: list[dict[str, Any]] = [json.loads(line) for line in stdout.splitlines()]
        self.run_id = run_dir(repo).name


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> Followed:
    folder = tmp_path_factory.mktemp("followed")
    replies = flow.implement_buggy() + flow.repair_writing(flow.RULES_PATH, flow.BUGGY_RULES)
    script = flow.write_script(folder / "script.jsonl", replies, {2: [flow.FAILING_TEST]})
    repo = folder / "svc"
    args = ["--repo", str(repo), "--sandbox", "local", "--gates", GATES, "--progress", "json"]
    done = cli(
        "run",
        str(flow.BACKLOG),
        *args,
        "--model",
        f"scripted:{script}",
        env={**os.environ, "COLUMNS": "220"},  # the summary table unwrapped, as on a wide terminal
    )
    return Followed(repo, done.stdout, done.stderr, done.returncode)


def _pairs(
    events: list[dict[str, Any]], kind: str, key: tuple[str, ...]
) -> Counter[tuple[Any, ...]]:
    """How many more starts than ends each span of `kind` has, by its identifying fields."""
    balance: Counter[tuple[Any, ...]] = Counter()
    for event in events:
        name, _, phase = event["event"].partition(".")
        if name == kind:
            balance[tuple(event.get(k) for k in key)] += 1 if phase == "start" else -1
    return balance


def test_progress_json_has_a_start_and_an_end_for_every_node_gate_and_turn(
    followed: Followed,
) -> None:
    """stdout is JSON lines only, one event each; every node, gate and model turn that
    started ended (same node/item, gate/iteration, session/turn), in order; the four
    turns and their tool calls are there, with the spend so far on each turn's end."""
    assert followed.code == 1, followed.stderr[-3000:]
    events = followed.events
    kinds = {e["event"] for e in events}
    assert {"node.start", "node.end", "gate.start", "gate.end", "turn.start", "turn.end"} <= kinds
    for kind, key in [
        ("node", ("node", "item")),
        ("gate", ("item", "iteration", "gate")),
        ("turn", ("item", "node", "turn")),
        ("proof", ("item", "iteration")),
        ("run", ()),
    ]:
        balance = _pairs(events, kind, key)
        assert balance and set(balance.values()) == {0}, (kind, balance)
    nodes = [e["node"] for e in events if e["event"] == "node.end"]
    assert nodes.count("verify") == 2 and nodes.count("implement") == nodes.count("repair") == 1
    gates = [(e["iteration"], e["gate"], e["passed"]) for e in events if e["event"] == "gate.end"]
    assert gates == [(1, "lint", True), (1, "tests", False), (2, "lint", True), (2, "tests", False)]
    turns = [e for e in events if e["event"] == "turn.end"]
    assert [(t["node"], t["turn"]) for t in turns] == [
        ("implement", 1), ("implement", 2), ("repair", 1), ("repair", 2)
    ]  # fmt: skip
    assert [t["tokens"] for t in turns] == [1500, 3000, 4500, 6000]
    tools = [(e["turn"], e["tool"], e["target"]) for e in events if e["event"] == "tool"]
    assert tools[:3] == [
        (1, "write_file", flow.RULES_PATH), (1, "write_file", flow.TEST_PATH), (2, "finish", "")
    ]  # fmt: skip
    assert [e["ts"] for e in events] == sorted(e["ts"] for e in events)
    assert events[-1]["event"] == "run.end" and events[-1]["status"] == "failed"


def test_the_summary_table_says_why_the_item_stopped(followed: Followed) -> None:
    """The stop reason that was only in the JSON report is on the item's row of the
    terminal summary table."""
    [row] = [line for line in followed.stderr.splitlines() if "│ NOTE-1" in line]
    assert "failed" in row and STUCK in row


def test_the_report_has_the_run_duration(followed: Followed) -> None:
    """run.duration_s is filled: finished_at minus started_at, both in the report."""
    report = Report.model_validate_json((run_dir(followed.repo) / "report.json").read_text())
    run = report.run
    assert run.duration_s is not None and run.finished_at is not None
    span = datetime.fromisoformat(run.finished_at) - datetime.fromisoformat(run.started_at)
    assert run.duration_s == pytest.approx(span.total_seconds(), abs=0.01)
    assert run.duration_s > 1  # two verifies with pytest took real time


def test_the_run_leaves_a_clean_tree_and_its_records_are_still_found(followed: Followed) -> None:
    """After the run `git status` shows nothing: the run records (runs.sqlite) and the run's
    folder are ignored, never committed; `runs --repo` still lists the run from them."""
    repo = git.Repo(followed.repo)
    assert repo.git.status("--porcelain") == ""
    tracked = repo.git.ls_files(".backend-agent").splitlines()
    assert tracked == [".backend-agent/.gitignore", ".backend-agent/manifest.json"]
    assert (followed.repo / ".backend-agent" / "runs.sqlite").is_file()
    listed = cli("runs", "--repo", str(followed.repo), env={**os.environ, "COLUMNS": "220"})
    assert listed.returncode == 0 and followed.run_id in listed.stdout
    assert re.search(rf"{followed.run_id}\s*│\s*cli\s*│.*│\s*failed\s*│", listed.stdout)


def test_show_prints_the_timeline_with_gates_turns_and_tool_calls(followed: Followed) -> None:
    """`show RUN_ID --repo DIR` prints every node, gate and model turn with the time it
    started and how long it took, and the turns' tool calls under them."""
    done = cli(
        "show", followed.run_id, "--repo", str(followed.repo), env={**os.environ, "COLUMNS": "220"}
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(
        re.search(r"\d:\d\d\.\d\s+[\d.]+ s\s+NOTE-1\s+gate tests\s+FAILED", x) for x in lines
    )
    assert any(re.search(r"NOTE-1\s+turn 1/40\s+1,500 tokens", x) for x in lines), lines
    assert any(re.search(rf"NOTE-1\s+write_file {flow.RULES_PATH}", x) for x in lines)
    whats = [x.split()[4] for x in lines if re.match(r"\s*\d:\d\d\.\d\s+[\d.]+ s\s+NOTE-1", x)]
    assert whats.count("implement") == 1 and whats.count("repair") == 1
    assert whats.count("verify") == 2


def test_show_conversation_prints_the_sessions_readably(followed: Followed) -> None:
    """`--conversation NOTE-1` prints the implement session then the repair, each turn
    numbered with its tool calls and the tool's answers; the repair's user message names
    the failing test; the closing message says why the work stopped."""
    done = cli("show", followed.run_id, "--repo", str(followed.repo), "--conversation", "NOTE-1")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    implement = text.index("conversation-NOTE-1-implement-0.jsonl")
    repair = text.index("conversation-NOTE-1-repair-1.jsonl")
    assert implement < repair
    assert text.count("[assistant, turn 1]") == 2 and text.count("[assistant, turn 2]") == 2
    assert f'-> write_file {{\n "path": "{flow.RULES_PATH}"' in text
    assert flow.FAILING_TEST in text[repair:]
    assert f"The run stops working on item NOTE-1: {STUCK}" in text
    missing = cli("show", followed.run_id, "--repo", str(followed.repo), "--conversation", "X-9")
    assert missing.returncode == 2 and "no model session on item 'X-9'" in missing.stderr
