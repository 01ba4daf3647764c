"""The chat-model seam: `complete(messages, tools) -> Reply`.

Every provider (anthropic, openai, openai-compatible, scripted, offline) speaks these
types and nothing else reaches the nodes. Messages are plain, JSON-serialisable pydantic
models so a conversation can be checkpointed, recorded and replayed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field


class ToolSpec(BaseModel):
    """A tool as the model sees it: a name, what it is for, a JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


class ToolCall(BaseModel):
    """One call the model asked for.

    `arguments` is the parsed JSON object; when the model sent something that is not a
    JSON object, `arguments` is empty and `raw_arguments` keeps what it sent, so the
    tool layer can answer with a useful error instead of crashing.
    """

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    raw_arguments: str | None = None


class Message(BaseModel):
    """One turn. `tool` messages answer the call named by `tool_call_id`."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    is_error: bool = False


def tokens(value: object) -> int:
    """A token count as a provider's JSON gives it; anything but a number counts 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return max(int(value), 0) if math.isfinite(value) else 0


class Usage(BaseModel):
    """Tokens billed for one call (or a sum of calls).

    `input_tokens` counts every input token of the call, cached or not; `cached_tokens` is
    the part read from the provider's prompt cache and `cache_write_tokens` the part written
    to it (anthropic bills writes above the base input price).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
        )


class Reply(BaseModel):
    """What the model answered: text, tool calls, usage, why it stopped."""

    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    stop_reason: str = "end_turn"
    model: str = ""


@runtime_checkable
class ChatModel(Protocol):
    """A chat model with tool calls.

    `name` is the model string it was built from (`anthropic:claude-…`, `offline`).
    `offline` is true only for the no-model provider: nodes then leave the scaffold as
    the whole implementation and report every free-text rule as not implemented.
    """

    name: str
    offline: bool

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        """One round trip. Raises `agent.errors.ModelError` when the provider gives up."""
        ...
