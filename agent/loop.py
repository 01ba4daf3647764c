"""The agent loop: the model asks for tools, the toolbox answers, until `finish`.

Every message is appended to a JSON Lines transcript beside the run, so a conversation can
be read (and a run resumed) without keeping it in the checkpointed state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from agent.models.base import ChatModel, Message, ToolSpec
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
    model: ChatModel, toolbox: Toolbox, messages: list[Message], *, max_turns: int, transcript: Path
) -> LoopOutcome:
    """Talk to `model` with `toolbox` until it finishes or `max_turns` replies were used."""
    specs = [ToolSpec(**d.model_dump()) for d in toolbox.definitions()]
    for message in messages:
        _log(transcript, message)
    for turn in range(1, max_turns + 1):
        reply = model.complete(messages, specs)
        said = Message(role="assistant", content=reply.content, tool_calls=reply.tool_calls)
        messages.append(said)
        _log(transcript, said)
        answers = [
            _answer(toolbox, call.name, call.id, call.raw_arguments, call.arguments)
            for call in reply.tool_calls
        ] or [Message(role="user", content=NUDGE)]
        for answer in answers:
            messages.append(answer)
            _log(transcript, answer)
        if toolbox.finished is not None:
            return LoopOutcome(toolbox.finished, turn)
    return LoopOutcome(None, max_turns)


def _answer(
    toolbox: Toolbox, name: str, call_id: str, raw: str | None, arguments: dict[str, object]
) -> Message:
    result = toolbox.call(name, raw if raw is not None else arguments)
    return Message(
        role="tool", tool_call_id=call_id, content=result.output, is_error=result.is_error
    )
