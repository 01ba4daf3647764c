"""The progress event stream: spans, sinks, the file, and the timeline read back from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.events import Events, read_events, where
from agent.runs.timeline import Span, build


def test_a_span_is_a_start_then_an_end_with_what_the_block_said(tmp_path: Path) -> None:
    """`span` emits `kind.start`, then `kind.end` with the same fields, the block's own
    and its duration; both go to the file and to every sink, tagged by the view."""
    seen: list[dict[str, Any]] = []
    events = Events("r1", tmp_path / "events.jsonl", [seen.append])
    with events.tagged(item="A-1", node="verify").span("gate", gate="lint") as end:
        end["passed"] = True
    start, stop = seen
    assert start["event"] == "gate.start" and stop["event"] == "gate.end"
    assert {k: start[k] for k in ("run_id", "item", "node", "gate")} == {
        "run_id": "r1", "item": "A-1", "node": "verify", "gate": "lint"
    }  # fmt: skip
    assert stop["passed"] is True and stop["duration_s"] >= 0 and stop["gate"] == "lint"
    assert read_events(tmp_path / "events.jsonl") == json.loads(json.dumps(seen))


def test_a_span_that_raises_still_ends_with_the_error(tmp_path: Path) -> None:
    """A block that raises ends its span with `error` and the exception goes on."""
    seen: list[dict[str, Any]] = []
    events = Events("r1", None, [seen.append])
    with pytest.raises(RuntimeError, match="boom"), events.span("node", node="verify"):
        raise RuntimeError("boom")
    assert [e["event"] for e in seen] == ["node.start", "node.end"]
    assert seen[1]["error"] == "RuntimeError: boom"


def test_a_sink_that_fails_does_not_stop_the_run_or_the_others(tmp_path: Path) -> None:
    """A display or a comment that raises is logged; the file and the other sinks still
    get the event."""

    def broken(event: dict[str, Any]) -> None:
        raise OSError("terminal gone")

    seen: list[dict[str, Any]] = []
    Events("r1", tmp_path / "e.jsonl", [broken, seen.append]).emit("step", node="plan")
    assert [e["event"] for e in seen] == ["step"]
    assert len(read_events(tmp_path / "e.jsonl")) == 1


def test_the_timeline_nests_spans_and_keeps_one_left_open() -> None:
    """Nodes hold their gates and turns, turns their tool calls; a span whose process
    died has no end, and the next end closes the right span."""
    ts = "2026-01-01T00:00:00+00:00"
    raw = [
        ("run.start", {}), ("node.start", {"node": "implement"}), ("turn.start", {"turn": 1}),
        ("tool", {"tool": "edit_file"}), ("turn.end", {"turn": 1}), ("turn.start", {"turn": 2}),
        ("node.end", {"node": "implement"}), ("step", {"node": "implement", "message": "m"}),
    ]  # fmt: skip
    [run] = build([{"ts": ts, "event": kind, **data} for kind, data in raw])
    assert run.end is None
    implement = run.inside[0]
    assert isinstance(implement, Span) and implement.end is not None
    first, second = implement.inside
    assert isinstance(first, Span) and isinstance(second, Span)
    assert first.end is not None and [e["tool"] for e in first.inside] == ["edit_file"]  # type: ignore[index]
    assert second.end is None
    assert run.inside[1] == {"ts": ts, "event": "step", "node": "implement", "message": "m"}


def test_where_says_where_a_run_was() -> None:
    """The eval harness's message for a child that died: node, item, gate or turn."""
    assert where({"event": "gate.start", "node": "verify", "item": "A-1", "gate": "tests"}) == (
        "verify A-1, gate tests"
    )
    assert where({"event": "run.start"}) == "run.start"
