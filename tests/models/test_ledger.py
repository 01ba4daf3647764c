"""The ledger: what it counts, how it sums, and budgets that stop a call before it is made."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from agent.errors import BudgetExceeded, ConfigError
from agent.models.base import Message, Reply, Usage
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.ledger import Budgets, Ledger
from agent.models.metering import Metered
from agent.models.pricing import PriceTable
from agent.models.retry import RetryPolicy
from agent.models.script_format import Step
from agent.models.scripted import ScriptedModel
from tests.fakes import model_servers as wire
from tests.models.conftest import opening


def claude(url: str, ledger: Ledger, sleeps: list[float]):  # type: ignore[no-untyped-def]
    return build_model(
        "anthropic:claude-sonnet-4-6",
        keys=ProviderKeys(anthropic=SecretStr("sk-ant-x")),
        base_url=url,
        ledger=ledger,
        options=ModelOptions(
            max_output_tokens=1000, retry=RetryPolicy(max_attempts=3), sleep=sleeps.append
        ),
    )


def scripted(*usages: Usage) -> ScriptedModel:
    steps = [Step(reply=Reply(content="ok", usage=u)) for u in usages]
    return ScriptedModel(steps, source="inline")


def test_cost_budget_stops_before_the_crossing_call_and_counts_failed_ones(server, sleeps):
    """Spend so far (an answered call, a failed attempt without usage, a failed attempt
    with usage, a retried success) leaves too little room for the next call's projected
    cost: that call is never sent, and the error gives the budget and the figures."""
    ledger = Ledger(PriceTable.load(), Budgets(run_cost_usd=0.515))
    model = claude(server.url, ledger, sleeps)
    server.queue(
        wire.anthropic_message(wire.anthropic_text("a"), input_tokens=100_000, output_tokens=1000)
    )
    server.queue(wire.anthropic_error("api_error", "boom"), 500)
    server.queue(
        {
            **wire.anthropic_error("api_error", "cut"),
            "usage": {"input_tokens": 50_000, "output_tokens": 0},
        },
        502,
    )
    server.queue(
        wire.anthropic_message(wire.anthropic_text("b"), input_tokens=10_000, output_tokens=500)
    )

    with ledger.scope(node="implement", item="US-1"):
        model.complete(opening(), [])
        model.complete(opening(), [])
        with pytest.raises(BudgetExceeded) as stopped:
            model.complete(opening(), [])

    assert len(server.received) == 4  # the third call was never made
    totals = ledger.totals()
    assert (totals.calls, totals.failed_calls) == (4, 2)
    assert totals.cost_usd == pytest.approx(0.315 + 0.0 + 0.15 + 0.0375)
    message = str(stopped.value)
    assert "run cost budget of $0.5150" in message
    assert "$0.5025 spent" in message and "2 failed" in message
    failed = [r for r in ledger.records if r.outcome == "failed"]
    assert [(r.status, r.usage_source) for r in failed] == [(500, "none"), (502, "reported")]


def test_item_token_budget_is_per_item():
    """One item's spend stops that item's next call, not another item's."""
    ledger = Ledger(PriceTable.load(), Budgets(item_tokens=1000))
    model = Metered(
        scripted(Usage(input_tokens=800, output_tokens=100), Usage(input_tokens=5)),
        ledger,
        max_output_tokens=100,
    )
    ask = [Message(role="user", content="go")]

    with ledger.scope(node="implement", item="US-1"):
        model.complete(ask, [])
        with pytest.raises(BudgetExceeded, match="item US-1 token budget of 1000"):
            model.complete(ask, [])
    with ledger.scope(node="implement", item="US-2"):
        model.complete(ask, [])

    assert set(ledger.by_item()) == {"US-1", "US-2"}
    assert ledger.by_item()["US-1"].tokens == 900


def test_missing_usage_is_estimated_and_unpriced_models_cost_none(server, sleeps):
    """A server that reports no usage is counted at 4 characters a token (marked
    estimated); a model without a price has cost None with the reason."""
    ledger = Ledger(PriceTable.load())
    model = build_model(
        "openai-compatible:qwen2.5-coder",
        keys=ProviderKeys(),
        base_url=f"{server.url}/v1",
        ledger=ledger,
        options=ModelOptions(sleep=sleeps.append),
    )
    server.queue(wire.chat_completion("x" * 400))

    with ledger.scope(node="plan"):
        model.complete(opening(), [])

    record = ledger.records[0]
    assert record.usage_source == "estimated"
    assert record.usage.output_tokens == 100 and record.usage.input_tokens > 0
    assert record.cost_usd is None and "no price" in (record.cost_note or "")
    assert ledger.totals().unpriced_calls == 1 and ledger.by_node()["plan"].calls == 1


def test_snapshot_is_json_and_restores_the_spend():
    """A checkpointed ledger comes back with the same records and totals."""
    ledger = Ledger(PriceTable.load())
    model = Metered(
        scripted(Usage(input_tokens=10, output_tokens=2)),
        ledger,
        max_output_tokens=10,
        priced_as="claude-haiku-4-5",
    )
    with ledger.scope(node="repair", item="US-3"):
        model.complete([Message(role="user", content="fix it")], [])

    restored = Ledger.restore(json.loads(json.dumps(ledger.snapshot())), PriceTable.load())

    assert restored.records == ledger.records
    assert restored.totals() == ledger.totals()
    assert restored.totals().cost_usd == pytest.approx((10 * 1.0 + 2 * 5.0) / 1_000_000)


def test_cost_budget_on_an_unpriced_model_is_refused_up_front():
    """A cost budget that cannot be enforced (no price) is a configuration error at once."""
    ledger = Ledger(PriceTable.load(), Budgets(run_cost_usd=1.0))
    with pytest.raises(ConfigError, match="has no price"):
        Metered(scripted(), ledger, max_output_tokens=10)
