"""`--record <file>`: writes any model's replies in the format `scripted:<file>` replays.

Each reply is appended and flushed as it arrives, so a crashed run still leaves the
conversation up to the crash. Failed attempts are not written: a replay answers at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from agent.models.base import ChatModel, Message, Reply, ToolSpec
from agent.models.script_format import recorded_step
from agent.models.scripted import new_messages


class Recording:
    """A ChatModel that passes calls to `inner` and appends each reply to `path` (JSON Lines)."""

    def __init__(self, inner: ChatModel, path: Path) -> None:
        self.name = inner.name
        self.offline = inner.offline
        self.inner = inner
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")

    def __repr__(self) -> str:
        return f"Recording({self.inner!r}, {str(self.path)!r})"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        reply = self.inner.complete(messages, tools)
        step = recorded_step(new_messages(messages), [t.name for t in tools], reply)
        with self.path.open("a") as out:
            out.write(json.dumps(step) + "\n")
        return reply
