"""Our messages to the Chat Completions API's shapes and back (vLLM, Ollama, LM Studio).

The lowest common denominator of OpenAI-compatible servers: `messages` with `tool_calls`
on assistant turns and `tool` turns answering them by `tool_call_id`, `tools` as
`function` definitions, `max_tokens`. Servers that report no usage give an empty Usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openai.types.chat import ChatCompletion, ChatCompletionMessageFunctionToolCall

from agent.models.base import Message, Reply, ToolSpec, Usage, tokens
from agent.models.tool_args import arguments_text, tool_call

Wire = dict[str, Any]
STOP_REASONS = {
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "stop": "end_turn",
}


def _message(message: Message) -> Wire:
    if message.role == "tool":
        content = f"error: {message.content}" if message.is_error else message.content
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": content}
    if message.role != "assistant" or not message.tool_calls:
        return {"role": message.role, "content": message.content}
    return {
        "role": "assistant",
        "content": message.content or None,
        "tool_calls": [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": arguments_text(c)},
            }
            for c in message.tool_calls
        ],
    }


def messages(conversation: Sequence[Message]) -> list[Wire]:
    """Every turn, system included, in Chat Completions form."""
    return [_message(m) for m in conversation]


def tools(specs: Sequence[ToolSpec]) -> list[Wire]:
    """Tool definitions as Chat Completions `function` tools."""
    return [
        {
            "type": "function",
            "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
        }
        for t in specs
    ]


def usage(wire: Any) -> Usage:
    """Tokens from a CompletionUsage (prompt tokens include cached ones); empty when absent."""
    if wire is None:
        return Usage()
    details = getattr(wire, "prompt_tokens_details", None)
    return Usage(
        input_tokens=getattr(wire, "prompt_tokens", 0) or 0,
        output_tokens=getattr(wire, "completion_tokens", 0) or 0,
        cached_tokens=getattr(details, "cached_tokens", 0) or 0,
        cache_write_tokens=getattr(details, "cache_write_tokens", 0) or 0,
    )


def usage_from_body(body: object) -> Usage | None:
    """Usage a failed response's JSON body carried, if it carried any."""
    raw = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        return None
    details = raw.get("prompt_tokens_details")
    details = details if isinstance(details, dict) else {}
    return Usage(
        input_tokens=tokens(raw.get("prompt_tokens") or 0),
        output_tokens=tokens(raw.get("completion_tokens") or 0),
        cached_tokens=tokens(details.get("cached_tokens") or 0),
    )


def reply(completion: ChatCompletion) -> Reply:
    """Our Reply from the first choice of a ChatCompletion."""
    if not completion.choices:
        return Reply(usage=usage(completion.usage), stop_reason="empty", model=completion.model)
    choice = completion.choices[0]
    calls = [
        tool_call(c.id, c.function.name, c.function.arguments)
        for c in choice.message.tool_calls or []
        if isinstance(c, ChatCompletionMessageFunctionToolCall)
    ]
    reason = str(choice.finish_reason or ("tool_calls" if calls else "stop"))
    return Reply(
        content=choice.message.content or "",
        tool_calls=calls,
        usage=usage(completion.usage),
        stop_reason=STOP_REASONS.get(reason, reason),
        model=str(completion.model or ""),
    )
