"""What every node receives through the graph's runtime context: built once at the edge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from agent.config import RunConfig
from agent.delivery.forge import Forge
from agent.events import Events, Sink, now
from agent.models.base import ChatModel
from agent.models.ledger import Ledger, Totals
from sandbox.base import Sandbox

# Sees every progress event (`agent.events`) as it is emitted: the CLI's display, a
# worker's progress comments and log. A trajectory entry is the event `step` ({"node",
# "item", ..., "message"}); node names: load_backlog, plan, next_item, scaffold,
# implement, verify (passed, iteration), repair, deliver, report, publish.
Observe = Sink


def _priced(totals: Totals) -> float | None:
    """The cost of the calls, or None when none of them had a price (as the report)."""
    return (
        round(totals.cost_usd, 6)
        if totals.calls > totals.unpriced_calls or not totals.calls
        else None
    )


@dataclass
class RunContext:
    """The run's dependencies: its config, sandbox, model and its progress events.

    `forge` is where the run's pull request goes; None when the run was not asked to open
    one (`--no-pr`, `--dry-run`). `events` is the run's event stream (silent by default).
    """

    config: RunConfig
    sandbox: Sandbox
    model: ChatModel
    ledger: Ledger | None = None
    forge: Forge | None = None
    events: Events = field(default_factory=Events)

    @contextmanager
    def scope(self, *, node: str, item: str | None) -> Iterator[None]:
        """Tag the model calls made inside with this node and item (for usage and budgets)."""
        with self.ledger.scope(node=node, item=item) if self.ledger else nullcontext():
            yield

    def usage(self) -> dict[str, Any]:
        """The ledger's snapshot, for the checkpointed state (empty without a ledger)."""
        return self.ledger.snapshot() if self.ledger else {}

    def spend(self, item: str | None) -> dict[str, Any]:
        """The spend so far (run and `item`) and the budgets set, for progress events."""
        if self.ledger is None:
            return {}
        run, mine = self.ledger.totals(), self.ledger.totals(item=item)
        return {
            "tokens": run.tokens,
            "cost_usd": _priced(run),
            "item_tokens": mine.tokens,
            "item_cost_usd": _priced(mine),
            "budget": self.ledger.budgets.model_dump(exclude_none=True),
        }

    def record(self, node: str, **data: Any) -> None:
        """Append one step to the run's trajectory (`trajectory.jsonl`) and emit it as a
        `step` event."""
        entry = {"ts": now(), "node": node, **data}
        path = self.config.run_dir / "trajectory.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as out:
            out.write(json.dumps(entry, default=str) + "\n")
        self.events.emit("step", **{k: v for k, v in entry.items() if k != "ts"})
