"""What every node receives through the graph's runtime context: built once at the edge."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent.config import RunConfig
from agent.delivery.forge import Forge
from agent.models.base import ChatModel
from agent.models.ledger import Ledger
from sandbox.base import Sandbox

Notify = Callable[[str, str], None]
# Sees every trajectory entry ({"ts", "node", "item", ..., "message"}) as it is written: a
# worker's progress comments and metrics. Node names: load_backlog, plan, next_item,
# scaffold, implement, verify (passed, iteration), repair, deliver, report, publish.
Observe = Callable[[dict[str, Any]], None]


def _quiet(node: str, message: str) -> None:
    return None


@dataclass
class RunContext:
    """The run's dependencies: its config, sandbox, model and a progress callback.

    `forge` is where the run's pull request goes; None when the run was not asked to open
    one (`--no-pr`, `--dry-run`). `observe` sees each trajectory entry.
    """

    config: RunConfig
    sandbox: Sandbox
    model: ChatModel
    notify: Notify = field(default=_quiet)
    ledger: Ledger | None = None
    forge: Forge | None = None
    observe: Observe | None = None

    @contextmanager
    def scope(self, *, node: str, item: str | None) -> Iterator[None]:
        """Tag the model calls made inside with this node and item (for usage and budgets)."""
        with self.ledger.scope(node=node, item=item) if self.ledger else nullcontext():
            yield

    def usage(self) -> dict[str, Any]:
        """The ledger's snapshot, for the checkpointed state (empty without a ledger)."""
        return self.ledger.snapshot() if self.ledger else {}

    def record(self, node: str, **data: Any) -> None:
        """Append one step to the run's trajectory (`trajectory.jsonl`) and tell the user."""
        entry = {"ts": datetime.now(UTC).isoformat(), "node": node, **data}
        path = self.config.run_dir / "trajectory.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as out:
            out.write(json.dumps(entry, default=str) + "\n")
        self.notify(node, str(data.get("message", "")))
        if self.observe is not None:
            self.observe(entry)
