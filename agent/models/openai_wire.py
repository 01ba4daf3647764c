"""Our messages to the OpenAI Responses API's items and back.

System turns become `instructions` (the stable prefix the API caches on its own); an
assistant's tool calls become `function_call` items and tool results
`function_call_output` items with the same `call_id`. Requests are stateless
(`store=False`): the whole conversation is sent each time, so a resumed run needs nothing
kept at the provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openai.types.responses import Response, ResponseFunctionToolCall, ResponseOutputMessage

from agent.models.base import Message, Reply, ToolSpec, Usage, tokens
from agent.models.tool_args import arguments_text, tool_call

Item = dict[str, Any]


def instructions(messages: Sequence[Message]) -> str | None:
    """All system turns, joined; None when there are none."""
    texts = [m.content for m in messages if m.role == "system" and m.content]
    return "\n\n".join(texts) if texts else None


def _items(message: Message) -> list[Item]:
    if message.role == "tool":
        output = f"error: {message.content}" if message.is_error else message.content
        return [
            {
                "type": "function_call_output",
                "call_id": message.tool_call_id or "",
                "output": output,
            }
        ]
    items: list[Item] = []
    if message.content:
        items.append({"role": message.role, "content": message.content})
    for call in message.tool_calls:
        items.append(
            {
                "type": "function_call",
                "call_id": call.id,
                "name": call.name,
                "arguments": arguments_text(call),
            }
        )
    return items


def input_items(messages: Sequence[Message]) -> list[Item]:
    """User, assistant and tool turns as Responses input items."""
    return [item for m in messages if m.role != "system" for item in _items(m)]


def function_tools(tools: Sequence[ToolSpec]) -> list[Item]:
    """Tool definitions as Responses `function` tools (not strict: our schemas allow optionals)."""
    return [
        {
            "type": "function",
            "name": t.name,
            "description": t.description,
            "parameters": t.parameters,
            "strict": False,
        }
        for t in tools
    ]


def usage(wire: Any) -> Usage:
    """Tokens from a Responses usage object (input already includes cached tokens)."""
    if wire is None:
        return Usage()
    details = getattr(wire, "input_tokens_details", None)
    return Usage(
        input_tokens=getattr(wire, "input_tokens", 0) or 0,
        output_tokens=getattr(wire, "output_tokens", 0) or 0,
        cached_tokens=getattr(details, "cached_tokens", 0) or 0,
        cache_write_tokens=getattr(details, "cache_write_tokens", 0) or 0,
    )


def usage_from_body(body: object) -> Usage | None:
    """Usage a failed response's JSON body carried, if it carried any."""
    raw = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        return None
    details = raw.get("input_tokens_details")
    details = details if isinstance(details, dict) else {}
    return Usage(
        input_tokens=tokens(raw.get("input_tokens") or 0),
        output_tokens=tokens(raw.get("output_tokens") or 0),
        cached_tokens=tokens(details.get("cached_tokens") or 0),
        cache_write_tokens=tokens(details.get("cache_write_tokens") or 0),
    )


def _stop_reason(response: Response, has_calls: bool) -> str:
    if has_calls:
        return "tool_use"
    details = response.incomplete_details
    if details is not None and details.reason == "max_output_tokens":
        return "max_tokens"
    return "end_turn" if response.status in (None, "completed") else str(response.status)


def reply(response: Response) -> Reply:
    """Our Reply from a Response: message text joined, function calls as tool calls."""
    texts: list[str] = []
    calls = []
    for item in response.output:
        if isinstance(item, ResponseOutputMessage):
            texts.extend(getattr(part, "text", "") for part in item.content)
        elif isinstance(item, ResponseFunctionToolCall):
            calls.append(tool_call(item.call_id, item.name, item.arguments))
    return Reply(
        content="".join(texts),
        tool_calls=calls,
        usage=usage(response.usage),
        stop_reason=_stop_reason(response, bool(calls)),
        model=str(response.model or ""),
    )
