"""scripted:<file> replay, its divergence errors, and --record round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from agent.errors import ModelError
from agent.models.base import Message, ToolCall
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.recording import Recording
from agent.models.scripted import ScriptedModel
from tests.fakes import model_servers as wire
from tests.models.conftest import EDIT_FILE, READ_FILE, opening

SCRIPT = [
    {
        "reply": {
            "content": "Reading.",
            "tool_calls": [{"name": "read_file", "arguments": {"path": "app.py"}}],
            "usage": {"input_tokens": 900, "output_tokens": 40},
            "stop_reason": "tool_use",
        }
    },
    {
        "reply": {"content": "Done.", "usage": {"input_tokens": 950, "output_tokens": 5}},
        "expect": {"contains": ["print"]},
    },
]


def write_script(tmp_path, steps) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "script.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in steps))
    return str(path)


def answered(first_reply_call: ToolCall, content: str) -> list[Message]:
    return [
        *opening(),
        Message(role="assistant", content="Reading.", tool_calls=[first_reply_call]),
        Message(role="tool", tool_call_id=first_reply_call.id, content=content),
    ]


def test_replays_in_order_and_keeps_the_requests(tmp_path):
    """Replies come back in order with their usage; missing ids are filled; every request
    is kept for tests to inspect."""
    model = build_model(f"scripted:{write_script(tmp_path, SCRIPT)}", keys=ProviderKeys())

    first = model.complete(opening(), [READ_FILE])
    assert first.tool_calls[0].id == "call_1_1" and first.usage.input_tokens == 900
    second = model.complete(answered(first.tool_calls[0], "print('hi')"), [READ_FILE])
    assert second.content == "Done."

    inner = model.inner  # type: ignore[attr-defined]
    assert isinstance(inner, ScriptedModel) and len(inner.requests) == 2
    assert inner.requests[1][-1].content == "print('hi')"


def test_running_out_says_which_turn(tmp_path):
    """Asking past the last reply fails with the turn number and the last message."""
    model = ScriptedModel.from_file(_one_step(tmp_path))
    model.complete(opening(), [])
    with pytest.raises(ModelError, match=r"ran out after 1 replies.*turn 2.*user: 'again'"):
        model.complete([*opening(), Message(role="user", content="again")], [])


def _one_step(tmp_path: Path) -> Path:
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"content": "hello"}]))
    return path


def test_divergence_is_reported_with_its_turn(tmp_path):
    """An unanswered tool call, an expectation not met, or a tool the request does not
    offer each stop the replay with the turn and what differed."""
    path = Path(write_script(tmp_path, SCRIPT))
    model = ScriptedModel.from_file(path)
    call = model.complete(opening(), [READ_FILE]).tool_calls[0]
    with pytest.raises(ModelError, match=r"diverged at turn 2: .*\['call_1_1'\]"):
        model.complete([*opening(), Message(role="user", content="skip it")], [READ_FILE])

    model = ScriptedModel.from_file(path)
    model.complete(opening(), [READ_FILE])
    with pytest.raises(ModelError, match=r"turn 2: expected \['print'\].*tool: 'nothing'"):
        model.complete(answered(call, "nothing"), [READ_FILE])

    with pytest.raises(ModelError, match=r"turn 1: .*\['read_file'\].*not offer \['edit_file'\]"):
        ScriptedModel.from_file(path).complete(opening(), [EDIT_FILE])


def test_recording_a_real_provider_replays_identically(tmp_path, server):
    """--record writes the provider's replies (malformed arguments included); scripted
    replay of that file gives the same replies back for the same conversation."""
    server.queue(
        wire.anthropic_message(
            wire.anthropic_tool_use("toolu_1", "read_file", {"path": "app.py"}),
            wire.anthropic_tool_use("toolu_2", "edit_file", "{broken"),
        )
    )
    server.queue(wire.anthropic_message(wire.anthropic_text("All done."), output_tokens=3))
    record = tmp_path / "run.jsonl"
    live = build_model(
        "anthropic:claude-sonnet-4-6",
        keys=ProviderKeys(anthropic=SecretStr("k")),
        base_url=server.url,
        record_to=record,
        options=ModelOptions(sleep=lambda s: None),
    )
    first = live.complete(opening(), [READ_FILE, EDIT_FILE])
    follow_up = [
        *opening(),
        Message(role="assistant", tool_calls=first.tool_calls),
        Message(role="tool", tool_call_id="toolu_1", content="x = 1"),
        Message(role="tool", tool_call_id="toolu_2", content="bad arguments", is_error=True),
    ]
    second = live.complete(follow_up, [READ_FILE, EDIT_FILE])

    replay = build_model(f"scripted:{record}", keys=ProviderKeys())
    assert replay.complete(opening(), [READ_FILE, EDIT_FILE]) == first
    assert replay.complete(follow_up, [READ_FILE, EDIT_FILE]) == second
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines[0]["request"]["tools"] == ["read_file", "edit_file"]
    assert lines[1]["request"]["new_messages"][1]["content"] == "bad arguments"
    assert first.tool_calls[1].raw_arguments == "{broken"


def test_recording_wraps_any_model(tmp_path):
    """Recording is a plain wrapper: name and offline pass through, replies are unchanged."""
    inner = ScriptedModel.from_file(_one_step(tmp_path))
    recording = Recording(inner, tmp_path / "out" / "rec.jsonl")
    assert recording.name == inner.name and recording.offline is False
    assert recording.complete(opening(), []).content == "hello"
    assert json.loads((tmp_path / "out" / "rec.jsonl").read_text())["reply"]["content"] == "hello"
