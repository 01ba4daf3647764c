"""Our messages to the anthropic Messages API's shapes and back.

System turns go to `system`, tool calls become `tool_use` blocks in assistant turns, tool
results become `tool_result` blocks in the next user turn (consecutive turns of one role
are merged, as the API requires). Prompt caching: a `cache_control` breakpoint on the
last system block caches the stable prefix (tools, then system); a second one on the last
block of the conversation lets each step of a tool loop reuse the steps before it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from anthropic.types import Message as WireMessage
from anthropic.types import TextBlock, ToolUseBlock

from agent.models.base import Message, Reply, ToolCall, ToolSpec, Usage, tokens
from agent.models.tool_args import tool_call

Block = dict[str, Any]
Replay = Mapping[tuple[str, ...], list[Block]]
EPHEMERAL = {"type": "ephemeral"}
THINKING = ("thinking", "redacted_thinking")


def system_blocks(messages: Sequence[Message]) -> list[Block]:
    """The system turns as text blocks, the last one marked as the cached prefix's end."""
    blocks: list[Block] = [
        {"type": "text", "text": m.content} for m in messages if m.role == "system" and m.content
    ]
    if blocks:
        blocks[-1]["cache_control"] = EPHEMERAL
    return blocks


def tool_params(tools: Sequence[ToolSpec], *, cache_last: bool) -> list[Block]:
    """Tool definitions; the last one carries the breakpoint when there is no system prompt."""
    params: list[Block] = [
        {"name": t.name, "description": t.description, "input_schema": t.parameters} for t in tools
    ]
    if params and cache_last:
        params[-1]["cache_control"] = EPHEMERAL
    return params


def _blocks(message: Message, replay: Replay) -> tuple[str, list[Block]]:
    key = tuple(c.id for c in message.tool_calls)
    if message.role == "assistant" and key in replay:
        return "assistant", copy.deepcopy(replay[key])
    if message.role == "tool":
        result: Block = {
            "type": "tool_result",
            "tool_use_id": message.tool_call_id or "",
            "content": message.content,
        }
        if message.is_error:
            result["is_error"] = True
        return "user", [result]
    blocks: list[Block] = [{"type": "text", "text": message.content}] if message.content else []
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
        )
    return message.role, blocks


def conversation(messages: Sequence[Message], replay: Replay | None = None) -> list[Block]:
    """User, assistant and tool turns as API messages, same-role neighbours merged.

    `replay` maps an assistant turn's tool-call ids to the exact blocks the API sent for
    it; such turns are sent back verbatim (thinking blocks and their signatures included).
    """
    turns: list[Block] = []
    for message in messages:
        if message.role == "system":
            continue
        role, blocks = _blocks(message, replay or {})
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if turns:
        turns[-1]["content"][-1]["cache_control"] = EPHEMERAL
    return turns


def usage(wire: Any) -> Usage:
    """Tokens from an anthropic usage object: input counts cache reads and writes too."""
    read = getattr(wire, "cache_read_input_tokens", None) or 0
    written = getattr(wire, "cache_creation_input_tokens", None) or 0
    return Usage(
        input_tokens=(getattr(wire, "input_tokens", None) or 0) + read + written,
        output_tokens=getattr(wire, "output_tokens", None) or 0,
        cached_tokens=read,
        cache_write_tokens=written,
    )


def usage_from_body(body: object) -> Usage | None:
    """Usage a failed response's JSON body carried, if it carried any."""
    if not isinstance(body, dict) or not isinstance(body.get("usage"), dict):
        return None
    raw = body["usage"]
    read = tokens(raw.get("cache_read_input_tokens") or 0)
    written = tokens(raw.get("cache_creation_input_tokens") or 0)
    return Usage(
        input_tokens=tokens(raw.get("input_tokens") or 0) + read + written,
        output_tokens=tokens(raw.get("output_tokens") or 0),
        cached_tokens=read,
        cache_write_tokens=written,
    )


def _call(block: ToolUseBlock) -> ToolCall:
    raw: object = block.input
    if isinstance(raw, str):
        return tool_call(block.id, block.name, raw)
    if not isinstance(raw, dict):
        return tool_call(block.id, block.name, json.dumps(raw, default=str))
    return tool_call(block.id, block.name, raw)


def thinking_turn(message: WireMessage) -> tuple[tuple[str, ...], list[Block]] | None:
    """(tool-call ids, blocks) of a reply that thought before calling tools, else None.

    With thinking on, the API wants such a turn back exactly as it sent it.
    """
    ids = tuple(b.id for b in message.content if isinstance(b, ToolUseBlock))
    if not ids or not any(b.type in THINKING for b in message.content):
        return None
    return ids, [b.model_dump(mode="json", exclude_none=True) for b in message.content]


def reply(message: WireMessage) -> Reply:
    """Our Reply from an anthropic Message: text joined, tool_use blocks as tool calls."""
    texts = [b.text for b in message.content if isinstance(b, TextBlock)]
    calls = [_call(b) for b in message.content if isinstance(b, ToolUseBlock)]
    return Reply(
        content="\n".join(texts),
        tool_calls=calls,
        usage=usage(message.usage),
        stop_reason=message.stop_reason or ("tool_use" if calls else "end_turn"),
        model=str(message.model or ""),
    )
