"""What a call cost in USD, from a price table shipped in `pricing.json`, overridable by a file.

A model missing from the table has no cost, never a guessed one: `PriceTable.cost` answers
`Cost(usd=None, reason=...)` and the report says the figure was not measured.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.errors import ConfigError
from agent.models.base import Usage

DEFAULT_TABLE = Path(__file__).with_name("pricing.json")
MILLION = 1_000_000
_DATED = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8})$")


class Price(BaseModel):
    """USD per million tokens. Cache writes without a price of their own cost as input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float
    output: float
    cached_input: float
    cache_write: float | None = None


class _TableFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    about: str = ""
    models: dict[str, Price]


@dataclass(frozen=True)
class Cost:
    """A cost in USD, or None with the reason it is unknown."""

    usd: float | None
    reason: str | None = None


def model_key(model: str) -> str:
    """The table key for a model string: provider prefix and date suffix dropped."""
    bare = model.split(":", 1)[1] if ":" in model else model
    return _DATED.sub("", bare)


class PriceTable:
    """Prices by model name; `load` reads the shipped table and lays an override file on top."""

    def __init__(self, prices: dict[str, Price]) -> None:
        self.prices = dict(prices)

    @classmethod
    def load(cls, override: Path | None = None) -> PriceTable:
        """The shipped table, with `override`'s entries added or replacing shipped ones."""
        prices = _read(DEFAULT_TABLE)
        if override is not None:
            prices.update(_read(override))
        return cls(prices)

    def lookup(self, model: str) -> Price | None:
        """The price of `anthropic:claude-…`, `claude-…-20250929` or a bare name; None if absent."""
        for key in (model, model_key(model)):
            if key in self.prices:
                return self.prices[key]
        return None

    def cost(self, model: str, usage: Usage) -> Cost:
        """What `usage` cost on `model`; unknown (None + reason) when the model has no price."""
        price = self.lookup(model)
        if price is None:
            return Cost(None, f"no price for {model!r} in the price table (add it with --prices)")
        return Cost(usd(price, usage))


def usd(price: Price, usage: Usage) -> float:
    """USD for `usage` at `price`: uncached input, cache reads, cache writes and output."""
    write_price = price.cache_write if price.cache_write is not None else price.input
    fresh = max(0, usage.input_tokens - usage.cached_tokens - usage.cache_write_tokens)
    total = (
        fresh * price.input
        + usage.cached_tokens * price.cached_input
        + usage.cache_write_tokens * write_price
        + usage.output_tokens * price.output
    )
    return total / MILLION


def cost(model: str, usage: Usage, table: PriceTable | None = None) -> float | None:
    """USD for `usage` on `model` from `table` (the shipped one by default); None if unpriced."""
    return (table or PriceTable.load()).cost(model, usage).usd


def _read(path: Path) -> dict[str, Price]:
    try:
        return _TableFile.model_validate(json.loads(path.read_text())).models
    except (OSError, ValueError, ValidationError) as exc:
        raise ConfigError(f"price table {path} is unusable: {exc}") from exc
