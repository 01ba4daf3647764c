"""The run's state: small, JSON-serialisable, checkpointed after every node.

The graph's channels hold plain dicts and lists; `ItemRecord` is the typed view of one
item's entry, read and written through `item()` / `put_item()`.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from agent.scaffold.workspace import ScaffoldResult
from agent.spec.types import Gap
from agent.verify.evidence import Evidence
from agent.verify.proof.verdict import ItemVerdict, Standing, item_status, standing

ItemStatus = Literal["pending", "scaffolded", "implemented", "verified", "delivered"]


class ItemRecord(BaseModel):
    """Everything the run knows about one backlog item."""

    id: str
    priority: int
    criteria: list[str] = Field(default_factory=list)
    status: ItemStatus = "pending"
    scaffold: ScaffoldResult | None = None
    not_implemented: list[Gap] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    repairs: int = 0
    stop_reason: str | None = None
    commit: str | None = None

    @property
    def gates_passed(self) -> bool:
        return bool(self.evidence) and self.evidence[-1].passed

    @property
    def left(self) -> list[Gap]:
        """What is not implemented: rules, calculations, endpoints (criteria stand apart)."""
        return [g for g in self.not_implemented if g.kind != "criterion"]

    def standings(self) -> list[Standing]:
        """Each criterion (in order) as the last verify left it."""
        last = self.evidence[-1] if self.evidence else None
        return [standing(last, self.id, n) for n in range(1, len(self.criteria) + 1)]

    @property
    def verdict(self) -> ItemVerdict:
        """passed (gates, criteria proven, nothing left), incomplete (gates passed, something
        left) or failed (a gate failed, or none ran)."""
        last = self.evidence[-1] if self.evidence else None
        return item_status(last, self.id, len(self.criteria), len(self.left))

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"


class RunState(TypedDict, total=False):
    """The graph's state. `current` is the id of the item in progress."""

    run_id: str
    started_at: str
    order: list[str]
    items: dict[str, dict[str, Any]]
    spec: dict[str, Any]
    current: str | None
    branch: str | None
    report_path: str | None
    usage: dict[str, Any]  # the ledger's snapshot: every billed model call
    delivery: dict[str, Any]  # report.Delivery: pushed sha (the next push's lease), the PR


def item(state: RunState, item_id: str | None = None) -> ItemRecord:
    key = item_id or state.get("current")
    assert key is not None, "no current item"
    return ItemRecord.model_validate(state["items"][key])


def put_item(state: RunState, record: ItemRecord) -> dict[str, Any]:
    """The state update that stores `record`."""
    items = dict(state.get("items", {}))
    items[record.id] = record.model_dump(mode="json")
    return {"items": items}
