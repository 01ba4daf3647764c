"""`backend-agent show RUN_ID`: a run followed afterwards, from what it left in its folder.

The timeline (nodes, gates, proof, model turns and their tool calls, each with the time it
started, counted from the run's start, and how long it took) comes from `events.jsonl`;
`--conversation ITEM` prints the item's model sessions from their transcripts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from agent.cli_progress import spend_line
from agent.errors import RunNotFound
from agent.events import Event, read_events
from agent.runner import STATE_DIR
from agent.runs.timeline import Span, load, seconds_between

err = Console(stderr=True)
LINES = 30  # of a message shown without --full
ROLES = {"system": "magenta", "user": "green", "assistant": "cyan", "tool": "yellow"}


def run_folder(repo: Path, run_id: str) -> Path:
    folder = repo.resolve() / STATE_DIR / "runs" / run_id
    if not folder.is_dir():
        raise RunNotFound(f"no run {run_id!r} in {repo / STATE_DIR / 'runs'}")
    return folder


def _offset(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


def _what(span: Span) -> tuple[str, str]:
    """The span's name and its outcome, in words."""
    start, end = span.start, span.end or {}
    if span.kind == "run":
        how = "resumed" if start.get("resume") else "started"
        return f"run {how} ({start.get('model')}, sandbox {start.get('sandbox')})", str(
            end.get("status", "")
        )
    if span.kind == "gate":
        mark = "ok" if end.get("passed") else "FAILED"
        return f"gate {start.get('gate')}", f"{mark} ({end.get('summary', '')})" if end else ""
    if span.kind == "proof":
        return "proof of the criteria on mutants", str(end.get("summary", ""))
    if span.kind == "turn":
        return f"turn {start.get('turn')}/{start.get('max_turns')}", spend_line(end)
    name = str(start.get("node"))
    if name == "verify" and span.steps:
        name += f" #{span.steps[-1].get('iteration')}"
    return name, "; ".join(str(s.get("message", "")) for s in span.steps)


def _rows(span: Span, origin: Event, depth: int) -> list[tuple[str, str, str, str, str]]:
    took = "no end"
    if span.end is not None:
        took = f"{span.end.get('duration_s', round(seconds_between(span.start, span.end), 2))} s"
    name, outcome = _what(span)
    if span.end and span.end.get("error"):
        outcome = f"ERROR {span.end['error']}"
    item = str(span.start.get("item") or "")
    rows = [
        (_offset(seconds_between(origin, span.start)), took, item, "  " * depth + name, outcome)
    ]
    for inner in span.inside:
        if isinstance(inner, Span):
            rows += _rows(inner, origin, depth + 1)
        elif inner["event"] == "tool":
            mark = " (error)" if inner.get("is_error") else ""
            call = f"{inner.get('tool')} {inner.get('target', '')}".rstrip()
            at = _offset(seconds_between(origin, inner))
            rows.append((at, "", item, "  " * (depth + 1) + call + mark, ""))
    return rows


def timeline_table(spans: list[Span]) -> Table:
    """Every span as a row, nested by indentation, times from the run's first start."""
    table = Table("at", "took", "item", "what", "outcome", box=None, title="timeline")
    if spans:
        for span in spans:
            for row in _rows(span, spans[0].start, 0):
                table.add_row(*row)
    return table


def steps_table(steps: list[Event]) -> Table:
    """The steps of a run that recorded no progress events: each node's outcome, in order."""
    table = Table("at", "item", "node", "outcome", box=None, title="steps (no timeline)")
    for step in steps:
        at = _offset(seconds_between(steps[0], step))
        table.add_row(at, str(step.get("item") or ""), str(step.get("node")), step.get("message"))
    return table


def _trimmed(text: str, full: bool) -> str:
    lines = text.splitlines()
    if full or len(lines) <= LINES:
        return text
    return "\n".join([*lines[:LINES], f"... ({len(lines) - LINES} more lines; --full shows all)"])


def _call(call: dict[str, Any], full: bool) -> str:
    arguments = call.get("raw_arguments") or json.dumps(call.get("arguments", {}), indent=1)
    return f"-> {call.get('name')} {_trimmed(str(arguments), full)}"


def print_transcript(console: Console, path: Path, full: bool) -> None:
    """One session: each message with its role, the assistant's turns numbered."""
    console.rule(path.name, style="bold")
    turn = 0
    for line in path.read_text().splitlines():
        message = json.loads(line) if line.strip() else {}
        role = message.get("role", "?")
        label = role
        if role == "assistant":
            turn += 1
            label = f"assistant, turn {turn}"
        elif role == "tool" and message.get("is_error"):
            label = "tool (error)"
        console.print(Text(f"[{label}]", style=f"bold {ROLES.get(role, 'white')}"))
        body = _trimmed(str(message.get("content", "")), full)
        parts = [body] if body else []
        parts += [_call(c, full) for c in message.get("tool_calls", [])]
        console.print(Text("\n".join(parts)), highlight=False)


def transcripts(folder: Path, item: str) -> list[Path]:
    """The item's sessions in the order they ran: implement, then repair 1, 2, ..."""
    found = list(folder.glob(f"conversation-{item}-*.jsonl"))

    def order(path: Path) -> tuple[int, int]:
        node, _, n = path.stem.removeprefix(f"conversation-{item}-").rpartition("-")
        return (0 if node == "implement" else 1, int(n) if n.isdigit() else 0)

    return sorted(found, key=order)


def show(
    run_id: str,
    repo: Annotated[Path, typer.Option("--repo", help="The service's git repo.")] = Path("."),
    conversation: Annotated[
        str | None, typer.Option(help="Print this item's model sessions instead.")
    ] = None,
    full: Annotated[bool, typer.Option(help="Messages whole, not their first lines.")] = False,
) -> None:
    """Follow a run afterwards: its timeline (nodes, gates, model turns and their tool
    calls, each with its time), or with --conversation ITEM the model's sessions on it."""
    console = Console()
    try:
        folder = run_folder(repo, run_id)
    except RunNotFound as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    if conversation is not None:
        found = transcripts(folder, conversation)
        if not found:
            err.print(f"no model session on item {conversation!r} in run {run_id}", highlight=False)
            raise typer.Exit(2)
        for path in found:
            print_transcript(console, path, full)
        return
    spans = load(folder)
    if spans:
        console.print(timeline_table(spans))
    elif (folder / "trajectory.jsonl").exists():  # a run from before the progress events
        console.print(steps_table(read_events(folder / "trajectory.jsonl")))
    else:
        err.print(f"run {run_id} recorded no step yet ({folder})", highlight=False)
        raise typer.Exit(2)
    report = folder / "report.json"
    console.print(f"report: {report}" if report.exists() else "no report yet", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `show` to the CLI."""
    app.command()(show)
