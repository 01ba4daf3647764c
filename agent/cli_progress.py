"""What a person sees while a run works: its progress events (`agent.events`) on the terminal.

rich    a live panel (item, node, gate and model turn in progress, each with its elapsed
        time; the last tool called; tokens and cost against the budget) under the
        lines of what has ended
plain   the same as lines, one per event that matters, with the time since the start:
        for logs (CI), chosen by `auto` when the output is not a terminal
json    every event as one JSON object a line, on stdout, for other programs
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Literal, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from agent.events import Event

ProgressMode = Literal["auto", "rich", "plain", "json"]
LONG_NODES = ("implement", "verify", "repair")  # their start is worth a line
PROGRESS_HELP = (
    "auto (a live panel on a terminal, plain lines otherwise) | rich | plain | "
    "json (one event a line on stdout)"
)


def clock(seconds: float) -> str:
    """`0:07`, `12:40`, `1:02:03`."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def spend_line(event: Event) -> str:
    """`12,345 tokens of 200,000 · $0.0412 of $5.00 (item NOTE-1: 3,000 tokens, $0.0100)`."""
    if "tokens" not in event:
        return ""
    budget = event.get("budget") or {}
    parts = [f"{event['tokens']:,} tokens"]
    if budget.get("run_tokens"):
        parts[0] += f" of {budget['run_tokens']:,}"
    cost = event.get("cost_usd")
    parts.append("cost unknown (no price)" if cost is None else f"${cost:.4f}")
    if cost is not None and budget.get("run_cost_usd"):
        parts[-1] += f" of ${budget['run_cost_usd']:.2f}"
    item = f"{event.get('item_tokens', 0):,} tokens"
    if budget.get("item_tokens"):
        item += f" of {budget['item_tokens']:,}"
    if event.get("item_cost_usd") is not None:
        item += f", ${event['item_cost_usd']:.4f}"
        if budget.get("item_cost_usd"):
            item += f" of ${budget['item_cost_usd']:.2f}"
    return " · ".join(parts) + f" (item {event.get('item')}: {item})"


def ended_line(event: Event) -> str | None:
    """The line an ended step, gate or turn leaves in the log (None for other events)."""
    kind = event["event"]
    if kind == "step" and event.get("node") == "verify":
        verdict = event.get("verdict") or ("passed" if event.get("passed") else "failed")
        return (
            f"{'verify':>12} {event.get('item')} #{event.get('iteration')}: {verdict}; "
            f"{event.get('criteria', '')}"
        )
    if kind == "step":
        return f"{event.get('node', ''):>12} {event.get('message', '')}"
    if kind == "gate.end":
        mark = "ok" if event.get("passed") else "FAILED"
        if event.get("error"):
            mark, event = "ERROR", {**event, "summary": event["error"]}
        return (
            f"{'gate':>12} {event.get('gate')} {mark} ({event.get('summary', '')}) "
            f"{event.get('duration_s')} s"
        )
    if kind == "turn.end":
        tools = ", ".join(event.get("tools") or []) or "no tool call"
        spent = spend_line(event)
        return (
            f"{'turn':>12} {event.get('node')} {event.get('item')} {event.get('turn')}/"
            f"{event.get('max_turns')}: {tools}" + (f"; {spent}" if spent else "")
        )
    return None


def started_line(event: Event) -> str | None:
    """The line a start leaves in plain output: node and gate starts (turns end quickly)."""
    kind = event["event"]
    if kind == "node.start" and event.get("node") in LONG_NODES:
        item = f" {event['item']}" if event.get("item") else ""
        return f"{event['node']:>12}{item} ..."
    if kind == "gate.start":
        where = f"{event.get('item')}, verify #{event.get('iteration')}"
        return f"{'gate':>12} {event.get('gate')} ... ({where})"
    if kind == "proof.start":
        return f"{'proof':>12} {event.get('item')}: criteria on mutants ..."
    return None


@dataclass
class Board:
    """What the run is doing now, folded from its events."""

    started: float = field(default_factory=time.monotonic)
    run_id: str = ""
    item: str | None = None
    node: tuple[str, float] | None = None
    gate: tuple[str, float] | None = None
    turn: tuple[Event, float] | None = None
    tool: str | None = None
    spent: str = ""
    tools: list[str] = field(default_factory=list)  # the calls of the turn in progress
    done: list[str] = field(default_factory=list)  # the gates this node ran, with outcome

    def fold(self, event: Event) -> None:
        kind, at = event["event"], time.monotonic()
        self.run_id = event.get("run_id") or self.run_id
        if kind == "node.start":
            self.node, self.gate, self.turn, self.done = (event["node"], at), None, None, []
            self.item = event.get("item") or self.item
        elif kind == "gate.start":
            self.gate = (f"gate {event.get('gate')}", at)
        elif kind == "proof.start":
            self.gate = ("proving the criteria on mutants", at)
        elif kind == "gate.end":
            self.gate = None
            self.done.append(f"{event.get('gate')} {'ok' if event.get('passed') else 'FAILED'}")
        elif kind == "proof.end":
            self.gate = None
        elif kind == "turn.start":
            self.turn, self.tools = (event, at), []
        elif kind == "tool":
            self.tool = f"{event['tool']} {event.get('target', '')}".strip()
            self.tools.append(self.tool)
        elif kind == "turn.end":
            self.spent = spend_line(event) or self.spent

    def lines(self) -> list[str]:
        """The panel: run and item, node and gate or turn, the last tool, the spend."""
        at = time.monotonic()
        head = f"run {self.run_id} · {clock(at - self.started)}"
        head += f" · item {self.item}" if self.item else ""
        lines = [head]
        if self.node:
            now = f"{self.node[0]} {clock(at - self.node[1])}"
            if self.gate:
                now += f" · {self.gate[0]} {clock(at - self.gate[1])}"
            if self.done:
                now += f" · done: {', '.join(self.done)}"
            if self.turn:
                turn, since = self.turn
                now += f" · turn {turn['turn']}/{turn['max_turns']} {clock(at - since)}"
            lines.append(now)
        if self.turn and self.tool:
            lines.append(f"last tool: {self.tool}")
        if self.turn and self.spent:
            lines.append(self.spent)
        return lines


class PlainView:
    """Lines on a console, one per start and end that matters, with the elapsed time."""

    def __init__(self, console: Console) -> None:
        self.console, self.board = console, Board()

    def __call__(self, event: Event) -> None:
        if event["event"] == "turn.end":
            event = {**event, "tools": self.board.tools}
        self.board.fold(event)
        line = self.line(event)
        if line is not None:
            self.show(f"[{clock(time.monotonic() - self.board.started):>5}] {line}")

    def line(self, event: Event) -> str | None:
        return ended_line(event) or started_line(event)

    def show(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False, soft_wrap=True)

    def __enter__(self) -> PlainView:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class RichView(PlainView):
    """A live panel of what is in progress, under the lines of what has ended."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self.live = Live(
            self, console=console, refresh_per_second=2, transient=True, redirect_stdout=False
        )

    def __call__(self, event: Event) -> None:
        super().__call__(event)
        self.live.refresh()

    def line(self, event: Event) -> str | None:
        return ended_line(event)  # what is starting is in the panel

    def show(self, text: str) -> None:
        self.console.print(Text(text, style="dim"))

    def __rich__(self) -> Group:
        first, *rest = self.board.lines()
        return Group(Text(first, style="bold cyan"), *(Text("  " + line) for line in rest))

    def __enter__(self) -> RichView:
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.stop()


class JsonView:
    """Every event as one JSON line on `out` (stdout), flushed at once."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def __call__(self, event: Event) -> None:
        self.out.write(json.dumps(event, default=str) + "\n")
        self.out.flush()

    def __enter__(self) -> JsonView:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


View = PlainView | JsonView


def progress_view(mode: ProgressMode, console: Console) -> View:
    """The view `mode` asks for; `auto` is rich on a terminal, plain lines otherwise."""
    if mode == "json":
        return JsonView()
    live = mode == "rich" or (
        mode == "auto" and console.is_terminal and not console.is_dumb_terminal
    )
    return RichView(console) if live else PlainView(console)
