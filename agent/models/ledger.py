"""Usage and cost of every billed model call, summed per call, node, item and run; budgets.

What is counted, one `CallRecord` per HTTP attempt:
- a call that answered: the usage it reported (`usage_source="reported"`); when it reported
  none, an estimate of 4 characters a token for the request and the reply
  (`"estimated"`), so a silent server cannot slip past a token budget;
- a call whose tool arguments were unparseable: counted like any answered call, with
  `malformed_tool_calls` saying how many;
- a failed attempt (429, 5xx, dropped connection), retried or final: its usage when the
  failed response carried one (`"reported"`), else zero tokens at zero cost
  (`"none"`): providers do not bill a refused request, but the attempt still counts.

Budgets (tokens and USD, per item and per run) are checked before each attempt: an attempt
whose projected spend (chars/4 of the request + the max output tokens) would cross one is
not made, and `BudgetExceeded` names the budget and the figures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.errors import BudgetExceeded, ConfigError
from agent.models.base import Usage
from agent.models.pricing import PriceTable, usd


class Budgets(BaseModel):
    """Limits on spend; None means no limit. Item limits apply to each backlog item alone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_tokens: int | None = None
    run_cost_usd: float | None = None
    item_tokens: int | None = None
    item_cost_usd: float | None = None


class CallRecord(BaseModel):
    """One billed attempt: where it came from, what it used, what it cost (or why unknown)."""

    seq: int
    node: str
    item: str | None
    model: str
    outcome: Literal["ok", "failed"]
    status: int | None = None
    usage: Usage
    usage_source: Literal["reported", "estimated", "none"]
    cost_usd: float | None
    cost_note: str | None = None
    malformed_tool_calls: int = 0
    error: str | None = None


class Totals(BaseModel):
    """A sum of records. `cost_usd` adds the priced calls; `unpriced_calls` says how many not."""

    calls: int = 0
    failed_calls: int = 0
    estimated_calls: int = 0
    malformed_tool_calls: int = 0
    unpriced_calls: int = 0
    usage: Usage = Usage()
    cost_usd: float = 0.0

    @property
    def tokens(self) -> int:
        return self.usage.input_tokens + self.usage.output_tokens


class Tags(BaseModel):
    """Who is calling: the graph node and the backlog item (None outside any item)."""

    node: str = "-"
    item: str | None = None


@dataclass(frozen=True)
class _Projection:
    """The most one attempt may spend: estimated input + max output, and its price."""

    model: str
    tokens: int
    cost: float | None
    size: str


def _check_scope(
    name: str, token_limit: int | None, cost_limit: float | None, spent: Totals, p: _Projection
) -> None:
    history = f"({spent.calls} calls so far, {spent.failed_calls} failed)"
    if token_limit is not None and spent.tokens + p.tokens > token_limit:
        raise BudgetExceeded(
            f"the {name} token budget of {token_limit} stops this call to {p.model}: "
            f"{spent.tokens} tokens spent + {p.size} = {spent.tokens + p.tokens} "
            f"> {token_limit} {history}"
        )
    if cost_limit is None:
        return
    if p.cost is None:
        raise ConfigError(
            f"a cost budget is set but {p.model!r} has no price; "
            "add it to a price file (--prices) or drop the cost budget"
        )
    if spent.cost_usd + p.cost > cost_limit:
        raise BudgetExceeded(
            f"the {name} cost budget of ${cost_limit:.4f} stops this call to {p.model}: "
            f"${spent.cost_usd:.4f} spent + up to ${p.cost:.4f} ({p.size}) = "
            f"${spent.cost_usd + p.cost:.4f} > ${cost_limit:.4f} {history}"
        )


def _sum(records: list[CallRecord]) -> Totals:
    totals = Totals()
    for r in records:
        totals.calls += 1
        totals.failed_calls += r.outcome == "failed"
        totals.estimated_calls += r.usage_source == "estimated"
        totals.malformed_tool_calls += r.malformed_tool_calls
        totals.usage = totals.usage + r.usage
        if r.cost_usd is None:
            totals.unpriced_calls += 1
        else:
            totals.cost_usd += r.cost_usd
    return totals


class Ledger:
    """The run's account of model calls. Tags come from `scope(...)`, a context variable."""

    def __init__(
        self,
        prices: PriceTable,
        budgets: Budgets | None = None,
        records: list[CallRecord] | None = None,
    ) -> None:
        self.prices = prices
        self.budgets = budgets or Budgets()
        self._records = list(records or [])
        self._lock = threading.Lock()
        self._tags: ContextVar[Tags | None] = ContextVar(f"ledger-{id(self)}", default=None)

    @contextmanager
    def scope(self, *, node: str, item: str | None = None) -> Iterator[None]:
        """Tag every call made inside the block with this node and item."""
        token = self._tags.set(Tags(node=node, item=item))
        try:
            yield
        finally:
            self._tags.reset(token)

    @property
    def tags(self) -> Tags:
        return self._tags.get() or Tags()

    def add(
        self, model: str, outcome: Literal["ok", "failed"], usage: Usage, **extra: Any
    ) -> CallRecord:
        """Append one record under the current tags; `extra` fills the other CallRecord fields."""
        with self._lock:
            record = CallRecord(
                seq=len(self._records) + 1,
                node=self.tags.node,
                item=self.tags.item,
                model=model,
                outcome=outcome,
                usage=usage,
                **extra,
            )
            self._records.append(record)
        return record

    @property
    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def totals(self, *, node: str | None = None, item: str | None = None) -> Totals:
        """Sum over the run, or over one node and/or one item."""
        return _sum(
            [
                r
                for r in self.records
                if (node is None or r.node == node) and (item is None or r.item == item)
            ]
        )

    def by_node(self) -> dict[str, Totals]:
        return {n: self.totals(node=n) for n in dict.fromkeys(r.node for r in self.records)}

    def by_item(self) -> dict[str, Totals]:
        items = dict.fromkeys(r.item for r in self.records if r.item is not None)
        return {i: self.totals(item=i) for i in items}

    def check(self, model: str, input_estimate: int, max_output: int) -> None:
        """Raise BudgetExceeded if an attempt of this size could cross any budget."""
        price = self.prices.lookup(model)
        projected = Usage(input_tokens=input_estimate, output_tokens=max_output)
        attempt = _Projection(
            model=model,
            tokens=input_estimate + max_output,
            cost=usd(price, projected) if price is not None else None,
            size=f"≈{input_estimate} input tokens by estimate + {max_output} max output tokens",
        )
        b, item = self.budgets, self.tags.item
        _check_scope("run", b.run_tokens, b.run_cost_usd, self.totals(), attempt)
        if item is not None:
            _check_scope(
                f"item {item}", b.item_tokens, b.item_cost_usd, self.totals(item=item), attempt
            )

    def snapshot(self) -> dict[str, Any]:
        """A JSON-serialisable copy of every record, for the checkpoint."""
        return {"version": 1, "calls": [r.model_dump(mode="json") for r in self.records]}

    @classmethod
    def restore(
        cls, snapshot: dict[str, Any], prices: PriceTable, budgets: Budgets | None = None
    ) -> Ledger:
        """A ledger that goes on from a snapshot (a resumed run keeps its spend)."""
        records = [CallRecord.model_validate(r) for r in snapshot.get("calls", [])]
        return cls(prices, budgets, records)
