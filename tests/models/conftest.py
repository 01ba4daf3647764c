"""Fixtures for the model tests: a fake wire-format server, a recorded sleep, a conversation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.models.base import Message, ToolCall, ToolSpec
from tests.fakes.model_servers import FakeModelServer, serve

READ_FILE = ToolSpec(
    name="read_file",
    description="Read a file.",
    parameters={
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    },
)
EDIT_FILE = ToolSpec(
    name="edit_file",
    description="Edit a file.",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}},
)


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    with serve() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    """Delays a Retrying wrapper asked for; pass `sleeps.append` as its sleep."""
    return []


def opening() -> list[Message]:
    return [
        Message(role="system", content="You are a backend engineer."),
        Message(role="user", content="Implement the discount rule."),
    ]


def after_two_tool_calls() -> list[Message]:
    """A conversation whose last assistant turn asked for two tools, both answered."""
    return [
        *opening(),
        Message(
            role="assistant",
            content="Let me look.",
            tool_calls=[
                ToolCall(id="call_1", name="read_file", arguments={"path": "app.py"}),
                ToolCall(id="call_2", name="read_file", arguments={"path": "gone.py"}),
            ],
        ),
        Message(role="tool", tool_call_id="call_1", content="print('hi')"),
        Message(role="tool", tool_call_id="call_2", content="no such file", is_error=True),
    ]
