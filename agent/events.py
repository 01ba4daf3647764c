"""Progress events: what a run is doing while it does it, one JSON object per event.

Every run appends its events to `events.jsonl` in its folder (what `backend-agent show`
reads afterwards) and hands each to the sinks its edge gave: the terminal display of the
CLI (`--progress rich|plain|json`), a worker's issue comments and log, the eval harness
(which reads a child run's `--progress json`). Each event has `ts` (UTC, ISO 8601),
`run_id` and `event`; `item` and `node` where they apply. The kinds:

    node.start / node.end     a graph node (`node`), its end with `duration_s` (and
                              `error` when it raised)
    gate.start / gate.end     a verify gate (`gate`, `iteration`), its end with `passed`,
                              `summary` and `duration_s`
    proof.start / proof.end   the criteria proven on mutants after the gates (`criteria`)
    turn.start / turn.end     one model reply in a session (`turn`, `max_turns`), its end
                              with `tool_calls`, the spend so far (`tokens`, `cost_usd`,
                              `item_tokens`, `item_cost_usd`) and the `budget`
    tool                      one tool call of a turn (`tool`, `target`, `is_error`)
    step                      a trajectory entry (`trajectory.jsonl`): a node's outcome
                              with its `message`

Every `*.start` is followed by its `*.end` (same fields), unless the process died between.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Event = dict[str, Any]
Sink = Callable[[Event], None]
log = logging.getLogger(__name__)


def now() -> str:
    return datetime.now(UTC).isoformat()


class Events:
    """The event stream of one run: written to `path` (when given) and to every sink.

    `tagged(...)` gives a view that adds fields (item, node) to each of its events; views
    share the file, the sinks and the lock."""

    def __init__(
        self,
        run_id: str = "",
        path: Path | None = None,
        sinks: list[Sink] | None = None,
        *,
        tags: dict[str, Any] | None = None,
        lock: threading.Lock | None = None,
    ) -> None:
        self.run_id, self.path = run_id, path
        self.sinks = sinks if sinks is not None else []
        self.tags = tags or {}
        self._lock = lock or threading.Lock()

    def tagged(self, **tags: Any) -> Events:
        """A view of this stream whose events carry `tags` too."""
        return Events(
            self.run_id, self.path, self.sinks, tags={**self.tags, **tags}, lock=self._lock
        )

    def emit(self, event: str, **data: Any) -> Event:
        """Write one event and hand it to each sink; the event as written."""
        entry = {"ts": now(), "run_id": self.run_id, "event": event, **self.tags, **data}
        line = json.dumps(entry, default=str)
        with self._lock:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a") as out:
                    out.write(line + "\n")
            for sink in self.sinks:
                try:
                    sink(entry)
                except Exception as exc:  # a display or a comment must not stop the run
                    log.warning("progress sink %r failed on %s: %s", sink, event, exc)
        return entry

    @contextmanager
    def span(self, kind: str, **data: Any) -> Iterator[dict[str, Any]]:
        """`kind.start`, then `kind.end` with `duration_s` and whatever the block put in
        the dict it was given (and `error` when the block raised)."""
        self.emit(f"{kind}.start", **data)
        started, end = time.monotonic(), dict[str, Any]()
        try:
            yield end
        except BaseException as exc:
            end["error"] = f"{type(exc).__name__}: {exc}"[:500]
            raise
        finally:
            self.emit(f"{kind}.end", **data, **end, duration_s=round(time.monotonic() - started, 2))


def read_events(path: Path) -> list[Event]:
    """The events of a file (an unreadable trailing line, from a killed run, is skipped)."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text().splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return [e for e in found if isinstance(e, dict)]


def where(event: Event) -> str:
    """Where a run was at an event, for a message: `verify NOTE-1, gate tests`."""
    place = " ".join(str(event[k]) for k in ("node", "item") if event.get(k))
    for key in ("gate", "turn", "tool"):
        if event.get(key) is not None:
            place += f", {key} {event[key]}"
    return place or str(event.get("event", ""))
