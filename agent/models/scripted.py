"""`scripted:<file>`: replays a recorded (or hand-written) conversation, turn by turn.

Tests and demos run the whole agent with it, no network. It keeps every request it was
sent (`requests`) so a test can assert on what the agent told the model. It fails with a
`ModelError` that says where when the script runs out, or when the conversation is no
longer the one the script was written for: a tool call left unanswered, a reply calling a
tool the request does not offer, or text an `expect.contains` wanted that is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agent.errors import ModelError
from agent.models.base import Message, Reply, ToolSpec
from agent.models.script_format import Step, load_script


def new_messages(messages: Sequence[Message]) -> list[Message]:
    """The messages after the last assistant turn: what is new since the model last spoke."""
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].role == "assistant":
            return list(messages[index + 1 :])
    return list(messages)


def _preview(message: Message | None) -> str:
    if message is None:
        return "no message"
    text = message.content.replace("\n", " ")
    return f"{message.role}: {text[:160]!r}"


class ScriptedModel:
    """A ChatModel whose replies come from a script file, in order."""

    offline = False

    def __init__(self, steps: list[Step], *, source: str) -> None:
        self.name = f"scripted:{source}"
        self.steps = steps
        self.requests: list[list[Message]] = []
        self._source = source

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        return cls(load_script(path), source=str(path))

    def __repr__(self) -> str:
        return f"ScriptedModel({self._source!r}, turn {len(self.requests)}/{len(self.steps)})"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        turn = len(self.requests) + 1
        self.requests.append(list(messages))
        if turn > len(self.steps):
            raise ModelError(
                f"{self.name} ran out after {len(self.steps)} replies: the model was asked for "
                f"turn {turn}; last message: {_preview(messages[-1] if messages else None)}"
            )
        step = self.steps[turn - 1]
        problem = self._divergence(step, messages, [t.name for t in tools])
        if problem:
            raise ModelError(f"{self.name} diverged at turn {turn}: {problem}")
        return step.reply

    def _divergence(self, step: Step, messages: Sequence[Message], offered: list[str]) -> str:
        fresh = new_messages(messages)
        # a fresh conversation (a system prompt and one task) owes no earlier tool answers
        opens = [m.role for m in messages] in (["system", "user"], ["user"])
        pending = [] if opens else self._pending_calls()
        answered = {m.tool_call_id for m in fresh if m.role == "tool"}
        missing = [c for c in pending if c not in answered]
        if missing:
            return (
                f"the previous reply asked for tool calls {missing} but the request "
                f"answers {sorted(a for a in answered if a)}"
            )
        unknown = [c.name for c in step.reply.tool_calls if c.name not in offered]
        if unknown:
            return f"the scripted reply calls {unknown}, which the request does not offer {offered}"
        if step.expect.tools is not None and sorted(step.expect.tools) != sorted(offered):
            return f"expected the tools {sorted(step.expect.tools)}, the request offers {offered}"
        text = "\n".join(m.content for m in fresh)
        absent = [s for s in step.expect.contains if s not in text]
        if absent:
            last = _preview(fresh[-1] if fresh else None)
            return f"expected {absent} in the new messages; last message: {last}"
        return ""

    def _pending_calls(self) -> list[str]:
        turn = len(self.requests) - 1
        if turn < 1:
            return []
        return [c.id for c in self.steps[turn - 1].reply.tool_calls]
