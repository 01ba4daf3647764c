"""The NOTE-1 implement/repair flow through the real anthropic and openai SDKs.

Each run goes through `runner.new_run` + `runner.drive` with a local sandbox, and its model
is `build_model("<provider>:<model>", base_url=<a local server>)`: the server speaks that
API's wire format and answers the conversation of `notes_flow` (a buggy rule and its test,
finish; then the fix, finish). What it received is what the SDK sent, so the tests can see
the tool results of each turn and the failing evidence in the repair request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.models.base import Usage
from sandbox.base import Sandbox
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import WireRun, run_on_wire
from tests.fakes.model_dialects import ANTHROPIC, CHAT, OPENAI, Dialect
from tests.fakes.model_servers import Canned

pytestmark = pytest.mark.slow
PRICE_FILE = Path(__file__).parents[2] / "agent" / "models" / "pricing.json"
Box = Callable[[Path], Sandbox]


def table_usd(model: str, usage: Usage) -> float:
    """What `usage` costs by the shipped price table, read straight from its JSON."""
    price: dict[str, Any] = json.loads(PRICE_FILE.read_text())["models"][model]
    fresh = usage.input_tokens - usage.cached_tokens - usage.cache_write_tokens
    total: float = (
        fresh * price["input"]
        + usage.cached_tokens * price["cached_input"]
        + usage.cache_write_tokens * price.get("cache_write", price["input"])
        + usage.output_tokens * price["output"]
    )
    return total / 1_000_000


def assert_criterion_met(run: WireRun, repo: Path) -> None:
    """Verify passed after one repair, and criterion 2 is met by the rule's test."""
    [item] = run.outcome.report.items
    assert run.outcome.passed, item.gates
    assert item.repair_iterations == 1
    assert item.stop_reason == "passed: every gate, every criterion proven, nothing left"
    rule = run.outcome.report.items[0].acceptance_criteria[1]
    assert rule.met and rule.tests == [flow.FAILING_TEST]
    assert (repo / flow.RULES_PATH).read_text() == flow.FIXED_RULES


def assert_conversation(bodies: list[Any], dialect: Dialect) -> None:
    """Implement asks for the rule; its second request answers both writes; repair opens a
    new conversation with the failing test and assertion; its second request answers w3."""
    implement, implement_2, repair, repair_2 = bodies
    assert flow.RULE in dialect.user_text(implement)
    assert dialect.tool_results(implement) == {}
    results = dialect.tool_results(implement_2)
    assert sorted(results) == ["w1", "w2"]
    assert results["w1"].startswith(f"wrote {flow.RULES_PATH}")
    assert results["w2"].startswith(f"wrote {flow.TEST_PATH}")
    prompt = dialect.user_text(repair)
    assert flow.FAILING_TEST in prompt and flow.ASSERTION in prompt
    assert flow.RULE not in prompt and dialect.tool_results(repair) == {}
    assert list(dialect.tool_results(repair_2)) == ["w3"]
    assert dialect.tool_results(repair_2)["w3"].startswith(f"wrote {flow.RULES_PATH}")


def test_anthropic_repairs_through_a_rate_limit_and_prices_every_call(
    tmp_path: Path, local_box: Box
) -> None:
    """anthropic Messages: a 429 with Retry-After is slept on (recorded) and retried with the
    same request; the failed attempt is counted; the run's cost is the price table's figure
    for the usage the server reported (cache reads and writes included)."""
    usage = Usage(input_tokens=4000, output_tokens=200, cached_tokens=2000, cache_write_tokens=500)
    limited = Canned(429, ANTHROPIC.rate_limit, {"retry-after": "3"})
    repo = tmp_path / "svc"
    run = run_on_wire(
        ANTHROPIC,
        "claude-sonnet-4-6",
        flow.repaired(usage),
        flow.BACKLOG,
        repo=repo,
        local_box=local_box,
        first=(limited,),
        gates=flow.GATES,
    )

    assert_criterion_met(run, repo)
    assert run.sleeps == [3.0]
    assert [r.path for r in run.received] == [ANTHROPIC.path] * 5
    assert run.bodies[0] == run.bodies[1]
    assert_conversation(run.bodies[1:], ANTHROPIC)
    spent = run.outcome.report.run.usage
    assert spent.calls == 5 and spent.failed_calls == 1
    assert spent.input_tokens == 4 * 4000 and spent.cached_tokens == 4 * 2000
    assert spent.cost_usd == pytest.approx(4 * table_usd("claude-sonnet-4-6", usage), abs=1e-6)
    assert spent.cost_usd == pytest.approx(0.0399, abs=1e-6)


def test_openai_responses_repairs_the_rule(tmp_path: Path, local_box: Box) -> None:
    """OpenAI Responses: function_call items drive the tools, their results go back as
    function_call_output items, and the priced gpt-5 usage adds up to the table's figure."""
    usage = Usage(input_tokens=1200, output_tokens=300, cached_tokens=1024)
    repo = tmp_path / "svc"
    run = run_on_wire(
        OPENAI,
        "gpt-5",
        flow.repaired(usage),
        flow.BACKLOG,
        repo=repo,
        local_box=local_box,
        gates=flow.GATES,
    )

    assert_criterion_met(run, repo)
    assert [r.path for r in run.received] == [OPENAI.path] * 4
    assert_conversation(run.bodies, OPENAI)
    spent = run.outcome.report.run.usage
    assert spent.calls == 4 and spent.failed_calls == 0 and run.sleeps == []
    assert spent.cost_usd == pytest.approx(4 * table_usd("gpt-5", usage), abs=1e-6)


def test_openai_compatible_repairs_the_rule_unpriced(tmp_path: Path, local_box: Box) -> None:
    """Chat Completions (vLLM, Ollama): tool_calls drive the tools, results go back as `tool`
    messages; a model missing from the price table is counted but its cost is unknown."""
    repo = tmp_path / "svc"
    run = run_on_wire(
        CHAT,
        "qwen2.5-coder",
        flow.repaired(),
        flow.BACKLOG,
        repo=repo,
        local_box=local_box,
        gates=flow.GATES,
    )

    assert_criterion_met(run, repo)
    assert [r.path for r in run.received] == [CHAT.path] * 4
    assert_conversation(run.bodies, CHAT)
    spent = run.outcome.report.run.usage
    assert spent.calls == 4 and spent.input_tokens == 4 * flow.USAGE.input_tokens
    assert spent.unpriced_calls == 4 and spent.cost_usd is None
