"""The agent loop: the model asks for tools, the toolbox answers, until `finish`.

Every message is appended to a JSON Lines transcript beside the run, so a conversation can
be read (and a run resumed) without keeping it in the checkpointed state. Each reply is a
turn between the progress events `turn.start` and `turn.end`, each tool call an event
`tool` (`agent.events`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.events import Events
from agent.models.base import ChatModel, Message, ToolCall, ToolSpec
from tools import FinishArgs, Toolbox

NUDGE = "Use the tools to make changes, or call `finish` when you are done."


@dataclass
class LoopOutcome:
    """How a conversation ended: the model's finish (if it called it) and the turns used."""

    finished: FinishArgs | None
    turns: int


def _log(transcript: Path, message: Message) -> None:
    with transcript.open("a") as out:
        out.write(json.dumps(message.model_dump(mode="json", exclude_defaults=True)) + "\n")


def run_tools(
    model: ChatModel,
    toolbox: Toolbox,
    messages: list[Message],
    *,
    max_turns: int,
    transcript: Path,
    events: Events | None = None,
    spend: Callable[[], dict[str, Any]] | None = None,
) -> LoopOutcome:
    """Talk to `model` with `toolbox` until it finishes or `max_turns` replies were used.
    Each turn is announced to `events`; its end carries what `spend` says (tokens, cost)."""
    specs = [ToolSpec(**d.model_dump()) for d in toolbox.definitions()]
    events = events or Events()
    for message in messages:
        _log(transcript, message)
    for turn in range(1, max_turns + 1):
        with events.span("turn", turn=turn, max_turns=max_turns) as ended:
            reply = model.complete(messages, specs)
            said = Message(role="assistant", content=reply.content, tool_calls=reply.tool_calls)
            messages.append(said)
            _log(transcript, said)
            answers = [_answer(toolbox, call, events, turn) for call in reply.tool_calls] or [
                Message(role="user", content=NUDGE)
            ]
            for answer in answers:
                messages.append(answer)
                _log(transcript, answer)
            ended.update(tool_calls=len(reply.tool_calls), **(spend() if spend else {}))
        if toolbox.finished is not None:
            return LoopOutcome(toolbox.finished, turn)
    return LoopOutcome(None, max_turns)


def target(call: ToolCall) -> str:
    """What a tool call works on, in a few words: `backend/x.py`, `POST /books`."""
    args = call.arguments
    if "method" in args:
        return f"{args.get('method')} {args.get('path', '')}"
    for key in ("path", "pattern", "name", "tests", "paths", "number"):
        value = args.get(key)
        if value not in (None, "", []):
            text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
            return text if len(text) <= 80 else text[:77] + "..."
    return ""


def _answer(toolbox: Toolbox, call: ToolCall, events: Events, turn: int) -> Message:
    raw = call.raw_arguments
    result = toolbox.call(call.name, raw if raw is not None else call.arguments)
    events.emit("tool", turn=turn, tool=call.name, target=target(call), is_error=result.is_error)
    return Message(
        role="tool", tool_call_id=call.id, content=result.output, is_error=result.is_error
    )
