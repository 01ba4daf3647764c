"""A run's timeline, from its progress events (`events.jsonl`): the spans of its nodes,
gates, proof and model turns, nested as they ran, with the tool calls and steps inside.

A span the process never ended (a killed run) has no `end`; a resumed run's events follow
a second `run.start` in the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from agent.events import Event, read_events


@dataclass
class Span:
    """One `kind.start` and its `kind.end` (None when it never ended), with what happened
    inside: spans, tool calls and steps, in order."""

    kind: str
    start: Event
    end: Event | None = None
    inside: list[Span | Event] = field(default_factory=list)

    @property
    def steps(self) -> list[Event]:
        """The trajectory entries written inside: a node's outcome."""
        return [e for e in self.inside if isinstance(e, dict) and e["event"] == "step"]


def _kind(event: Event) -> tuple[str, str]:
    """(`node`, `start`) for `node.start`; (`tool`, ``) for a leaf event."""
    kind, _, phase = str(event.get("event", "")).partition(".")
    return kind, phase


def build(events: list[Event]) -> list[Span]:
    """The top-level spans (one `run` span per start or resume), each with what it holds."""
    top: list[Span] = []
    stack: list[Span] = []
    for event in events:
        kind, phase = _kind(event)
        if phase == "start":
            span = Span(kind, event)
            (stack[-1].inside if stack else top).append(span)
            stack.append(span)
        elif phase == "end":
            while stack and stack[-1].kind != kind:
                stack.pop()  # a span left open inside this one (the process died in it)
            if stack:
                stack.pop().end = event
        elif stack:
            stack[-1].inside.append(event)
    return top


def load(run_dir: Path) -> list[Span]:
    return build(read_events(run_dir / "events.jsonl"))


def seconds_between(first: Event, then: Event) -> float:
    return (
        datetime.fromisoformat(then["ts"]) - datetime.fromisoformat(first["ts"])
    ).total_seconds()
