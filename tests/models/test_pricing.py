"""The price table: cost arithmetic, lookups, overrides, and no invented prices."""

from __future__ import annotations

import json

import pytest

from agent.errors import ConfigError
from agent.models.base import Usage
from agent.models.pricing import PriceTable, cost


def test_cost_counts_fresh_cached_written_and_output_tokens():
    """claude-sonnet-4-6 at $3 / $0.30 cached / $3.75 cache write / $15 per million."""
    usage = Usage(
        input_tokens=1_000_000,
        cached_tokens=500_000,
        cache_write_tokens=100_000,
        output_tokens=100_000,
    )
    expected = 0.4 * 3.0 + 0.5 * 0.30 + 0.1 * 3.75 + 0.1 * 15.0
    assert cost("anthropic:claude-sonnet-4-6", usage) == pytest.approx(expected)


def test_openai_cache_writes_cost_as_input():
    """A model without a cache-write price bills written tokens at its input price."""
    usage = Usage(input_tokens=2_000_000, cache_write_tokens=1_000_000)
    assert cost("openai:gpt-5", usage) == pytest.approx(2 * 1.25)


def test_dated_snapshots_and_prefixes_find_their_model():
    """Provider prefixes and date suffixes are dropped when looking a price up."""
    table = PriceTable.load()
    assert table.lookup("claude-haiku-4-5-20251001") == table.lookup("claude-haiku-4-5")
    assert table.lookup("openai:gpt-4.1-2025-04-14") == table.lookup("gpt-4.1")


def test_unknown_model_has_no_cost_and_says_why():
    """An unpriced model is None with a reason, never a guess."""
    result = PriceTable.load().cost("openai-compatible:qwen2.5-coder", Usage(input_tokens=10))
    assert result.usd is None and "no price for" in (result.reason or "")


def test_override_file_adds_and_replaces(tmp_path):
    """A price file lays its entries over the shipped table."""
    override = tmp_path / "prices.json"
    override.write_text(
        json.dumps(
            {
                "models": {
                    "qwen2.5-coder": {"input": 0.0, "output": 0.0, "cached_input": 0.0},
                    "gpt-5": {"input": 1.0, "output": 2.0, "cached_input": 0.5},
                }
            }
        )
    )
    table = PriceTable.load(override)
    assert table.cost("openai-compatible:qwen2.5-coder", Usage(input_tokens=5)).usd == 0.0
    assert table.cost("openai:gpt-5", Usage(output_tokens=1_000_000)).usd == pytest.approx(2.0)
    assert table.lookup("claude-opus-4-8") is not None


def test_broken_override_is_a_config_error(tmp_path):
    """A price file that does not fit the shape fails with its path in the message."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"models": {"x": {"input": "cheap"}}}')
    with pytest.raises(ConfigError, match=r"bad\.json"):
        PriceTable.load(bad)
