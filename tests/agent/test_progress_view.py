"""The CLI's progress views, fed a run's events: plain lines for logs, the live panel's
lines, JSON lines for programs."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console

from agent.cli_progress import Board, JsonView, PlainView, RichView, progress_view

BUDGET = {"run_tokens": 100_000, "run_cost_usd": 5.0}
SPEND = {"tokens": 12_345, "cost_usd": 0.0412, "item_tokens": 3_000, "item_cost_usd": 0.01}


def _events() -> list[dict[str, Any]]:
    at = {"run_id": "r1", "item": "LOAN-1"}
    session = {**at, "node": "implement", "max_turns": 40}
    verify = {**at, "node": "verify", "iteration": 1}
    return [
        {"event": "node.start", **at, "node": "implement"},
        {"event": "turn.start", **session, "turn": 3},
        {"event": "tool", **session, "turn": 3, "tool": "edit_file",
         "target": "backend/domain/rules/loan.py", "is_error": False},
        {"event": "turn.end", **session, "turn": 3, "tool_calls": 1, **SPEND, "budget": BUDGET},
        {"event": "node.start", **at, "node": "verify"},
        {"event": "gate.start", **verify, "gate": "lint"},
        {"event": "gate.end", **verify, "gate": "lint", "passed": True,
         "summary": "0 finding(s)", "duration_s": 0.4},
        {"event": "gate.start", **verify, "gate": "tests"},
    ]  # fmt: skip


def test_plain_lines_say_each_gate_and_turn_as_it_starts_and_ends() -> None:
    """Off a terminal every line stands alone: the node and gate starts, a gate's end
    with its one-line result and time, a turn's end with its tool call and the tokens
    and cost against the budget; no cursor tricks."""
    console = Console(record=True, width=100, force_terminal=False)
    view = PlainView(console)
    for event in _events():
        view(event)
    text = console.export_text()
    assert "implement LOAN-1 ..." in text
    assert (
        "turn implement LOAN-1 3/40: edit_file backend/domain/rules/loan.py; "
        "12,345 tokens of 100,000 · $0.0412 of $5.00 (item LOAN-1: 3,000 tokens, $0.0100)"
    ) in text
    assert "gate lint ... (LOAN-1, verify #1)" in text
    assert "gate lint ok (0 finding(s)) 0.4 s" in text
    assert text.rstrip().endswith("gate tests ... (LOAN-1, verify #1)")
    assert "\x1b" not in text


def test_the_panel_shows_what_is_in_progress() -> None:
    """The live panel: the item; during the session the turn and the last tool with the
    spend; during verify the gate in progress and the gates that ended."""
    board = Board()
    events = _events()
    for event in events[:3]:
        board.fold(event)
    mid_session = "\n".join(board.lines())
    assert "item LOAN-1" in mid_session
    assert "implement 0:00 · turn 3/40 0:00" in mid_session
    assert "last tool: edit_file backend/domain/rules/loan.py" in mid_session
    for event in events[3:]:
        board.fold(event)
    mid_verify = "\n".join(board.lines())
    assert "verify 0:00 · gate tests 0:00 · done: lint ok" in mid_verify
    assert "turn" not in mid_verify and "last tool" not in mid_verify


def test_json_lines_are_the_events_as_they_come() -> None:
    """--progress json: one JSON object a line, the events unchanged."""
    out = io.StringIO()
    view = JsonView(out)
    for event in _events():
        view(event)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == _events()


def test_auto_is_live_on_a_terminal_and_plain_elsewhere() -> None:
    """auto: the rich panel when the console is a terminal; plain lines otherwise (CI)."""
    terminal = Console(force_terminal=True, _environ={"TERM": "xterm-256color"})
    assert isinstance(progress_view("auto", terminal), RichView)
    plain = progress_view("auto", Console(file=io.StringIO(), force_terminal=False))
    assert type(plain) is PlainView
    assert isinstance(progress_view("json", Console()), JsonView)
