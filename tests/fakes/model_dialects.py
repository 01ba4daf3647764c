"""One conversation, three wire formats: what a fake model server answers and what it reads.

A test writes the model's side of a conversation once, as `Reply`s, and a `Dialect` turns
each into the JSON its API answers with (anthropic Messages, OpenAI Responses, Chat
Completions). Reading the other way, a dialect finds in a request body the user's text and
the tool results that answer the previous reply (`tool_result` blocks, `function_call_output`
items, `tool` messages), so a test can assert what the agent sent through the real SDK.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.models.base import Reply
from tests.fakes import model_servers as wire

Body = dict[str, Any]


@dataclass(frozen=True)
class Dialect:
    """How one API answers a `Reply`, refuses with a rate limit, and carries our messages."""

    provider: str  # the model string's prefix: anthropic, openai, openai-compatible
    root: str  # the base URL's path below the server (the SDK's `base_url`)
    path: str  # where the SDK posts, below the server
    answer: Callable[[Reply], Body]
    rate_limit: Body
    tool_results: Callable[[Body], dict[str, str]]  # answers to the previous reply, by call id
    user_text: Callable[[Body], str]  # every user turn's text, joined


# --- anthropic Messages -----------------------------------------------------------------


def _anthropic_answer(reply: Reply) -> Body:
    u = reply.usage
    blocks = [wire.anthropic_text(reply.content)] if reply.content else []
    blocks += [wire.anthropic_tool_use(c.id, c.name, c.arguments) for c in reply.tool_calls]
    return wire.anthropic_message(
        *blocks,
        input_tokens=u.input_tokens - u.cached_tokens - u.cache_write_tokens,
        output_tokens=u.output_tokens,
        cache_read=u.cached_tokens,
        cache_write=u.cache_write_tokens,
    )


def _anthropic_blocks(message: Body) -> list[Body]:
    content = message["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)


def _anthropic_results(body: Body) -> dict[str, str]:
    last = body["messages"][-1]
    return {
        b["tool_use_id"]: b["content"]
        for b in _anthropic_blocks(last)
        if last["role"] == "user" and b["type"] == "tool_result"
    }


def _anthropic_text(body: Body) -> str:
    return "\n".join(
        b["text"]
        for m in body["messages"]
        if m["role"] == "user"
        for b in _anthropic_blocks(m)
        if b["type"] == "text"
    )


# --- OpenAI Responses -------------------------------------------------------------------


def _openai_answer(reply: Reply) -> Body:
    u = reply.usage
    output = [wire.openai_message(reply.content)] if reply.content else []
    output += [
        wire.openai_function_call(c.id, c.name, json.dumps(c.arguments)) for c in reply.tool_calls
    ]
    return wire.openai_response(
        *output, input_tokens=u.input_tokens, output_tokens=u.output_tokens, cached=u.cached_tokens
    )


def _trailing(items: list[Body], keep: Callable[[Body], bool]) -> list[Body]:
    """The run of items at the end of `items` that `keep` accepts."""
    found: list[Body] = []
    for entry in reversed(items):
        if not keep(entry):
            break
        found.insert(0, entry)
    return found


def _openai_results(body: Body) -> dict[str, str]:
    outputs = _trailing(body["input"], lambda i: i.get("type") == "function_call_output")
    return {i["call_id"]: i["output"] for i in outputs}


def _openai_text(body: Body) -> str:
    return "\n".join(i["content"] for i in body["input"] if i.get("role") == "user")


# --- Chat Completions -------------------------------------------------------------------


def _chat_answer(reply: Reply) -> Body:
    u = reply.usage
    calls = [wire.chat_tool_call(c.id, c.name, json.dumps(c.arguments)) for c in reply.tool_calls]
    usage = {
        "prompt_tokens": u.input_tokens,
        "completion_tokens": u.output_tokens,
        "total_tokens": u.input_tokens + u.output_tokens,
        "prompt_tokens_details": {"cached_tokens": u.cached_tokens},
    }
    return wire.chat_completion(reply.content or None, calls or None, usage=usage)


def _chat_results(body: Body) -> dict[str, str]:
    answers = _trailing(body["messages"], lambda m: m["role"] == "tool")
    return {m["tool_call_id"]: m["content"] for m in answers}


def _chat_text(body: Body) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")


ANTHROPIC = Dialect(
    provider="anthropic",
    root="",
    path="/v1/messages",
    answer=_anthropic_answer,
    rate_limit=wire.anthropic_error("rate_limit_error", "slow down"),
    tool_results=_anthropic_results,
    user_text=_anthropic_text,
)
OPENAI = Dialect(
    provider="openai",
    root="/v1",
    path="/v1/responses",
    answer=_openai_answer,
    rate_limit=wire.openai_error("Rate limit reached", "rate_limit_exceeded"),
    tool_results=_openai_results,
    user_text=_openai_text,
)
CHAT = Dialect(
    provider="openai-compatible",
    root="/v1",
    path="/v1/chat/completions",
    answer=_chat_answer,
    rate_limit=wire.openai_error("Rate limit reached", "rate_limit_exceeded"),
    tool_results=_chat_results,
    user_text=_chat_text,
)
