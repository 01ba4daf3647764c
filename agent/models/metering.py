"""`Metered`: the ChatModel wrapper that puts every attempt through the ledger.

It sits inside `Retrying` (built by `factory.build_model`), so each retried attempt is
checked against the budgets before it is made and recorded after, failed or not.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from agent.errors import ConfigError
from agent.models.base import ChatModel, Message, Reply, ToolSpec, Usage
from agent.models.ledger import Ledger
from agent.models.retry import ProviderError
from agent.models.tool_args import arguments_text

CHARS_PER_TOKEN = 4


def estimate_tokens(messages: Sequence[Message], tools: Sequence[ToolSpec]) -> int:
    """A rough input size: 4 characters a token over contents, tool calls and tool schemas."""
    chars = sum(
        len(m.content) + sum(len(c.name) + len(arguments_text(c)) for c in m.tool_calls)
        for m in messages
    )
    chars += len(json.dumps([t.model_dump() for t in tools])) if tools else 0
    return math.ceil(chars / CHARS_PER_TOKEN)


def _reply_tokens(reply: Reply) -> int:
    chars = len(reply.content) + sum(len(c.name) + len(arguments_text(c)) for c in reply.tool_calls)
    return math.ceil(chars / CHARS_PER_TOKEN)


class Metered:
    """Checks budgets before, and records usage and cost after, each call of `inner`.

    `priced_as` names the price-table entry when the model string is not one (a scripted
    replay of a recorded claude run, say); by default the model's own name is priced.
    """

    def __init__(
        self,
        inner: ChatModel,
        ledger: Ledger,
        *,
        max_output_tokens: int,
        priced_as: str | None = None,
    ) -> None:
        self.name = inner.name
        self.offline = inner.offline
        self.inner = inner
        self._ledger = ledger
        self._max_output = max_output_tokens
        self._price_key = priced_as or inner.name
        has_cost_budget = ledger.budgets.run_cost_usd is not None or (
            ledger.budgets.item_cost_usd is not None
        )
        if has_cost_budget and ledger.prices.lookup(self._price_key) is None:
            raise ConfigError(
                f"a cost budget is set but {self._price_key!r} has no price; "
                "add it to a price file (--prices) or drop the cost budget"
            )

    def __repr__(self) -> str:
        return f"Metered({self.inner!r})"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        estimate = estimate_tokens(messages, tools)
        self._ledger.check(self._price_key, estimate, self._max_output)
        try:
            reply = self.inner.complete(messages, tools)
        except ProviderError as failure:
            self._record_failure(failure)
            raise
        self._record_reply(reply, estimate)
        return reply

    def _record_reply(self, reply: Reply, estimate: int) -> None:
        usage, source, note = reply.usage, "reported", None
        if usage.input_tokens == 0 and usage.output_tokens == 0:
            usage = Usage(input_tokens=estimate, output_tokens=_reply_tokens(reply))
            source, note = "estimated", "the provider reported no usage: 4 characters a token"
        cost = self._ledger.prices.cost(self._price_key, usage)
        self._ledger.add(
            self.name,
            "ok",
            usage,
            usage_source=source,
            cost_usd=cost.usd,
            cost_note=cost.reason or note,
            malformed_tool_calls=sum(c.raw_arguments is not None for c in reply.tool_calls),
        )

    def _record_failure(self, failure: ProviderError) -> None:
        usage = failure.usage or Usage()
        cost = self._ledger.prices.cost(self._price_key, usage)
        note = None if failure.usage else "failed without usage: counted as 0 tokens"
        self._ledger.add(
            self.name,
            "failed",
            usage,
            status=failure.status,
            usage_source="reported" if failure.usage else "none",
            cost_usd=cost.usd,
            cost_note=cost.reason or note,
            error=str(failure)[:500],
        )
