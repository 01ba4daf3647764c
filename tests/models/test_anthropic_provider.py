"""The anthropic provider against a local server speaking the Messages API wire format."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agent.models.anthropic_provider import AnthropicModel
from agent.models.base import Message
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.retry import ProviderError, ProviderGaveUp, RetryPolicy
from tests.fakes import model_servers as wire
from tests.models.conftest import EDIT_FILE, READ_FILE, after_two_tool_calls, opening

KEY = "sk-ant-test-SECRET-123"


def claude(url: str, sleeps: list[float], attempts: int = 3):  # type: ignore[no-untyped-def]
    options = ModelOptions(retry=RetryPolicy(max_attempts=attempts), sleep=sleeps.append)
    keys = ProviderKeys(anthropic=SecretStr(KEY))
    return build_model("anthropic:claude-sonnet-4-6", keys=keys, base_url=url, options=options)


def test_tool_call_usage_and_cached_prefix(server, sleeps):
    """A tool_use reply becomes a ToolCall; usage counts cache reads and writes; the
    request carries the system prompt and tools with a cache breakpoint on the prefix."""
    server.queue(
        wire.anthropic_message(
            wire.anthropic_text("Reading it."),
            wire.anthropic_tool_use("toolu_1", "read_file", {"path": "app.py"}),
            input_tokens=50,
            output_tokens=30,
            cache_read=1000,
            cache_write=200,
        )
    )
    reply = claude(server.url, sleeps).complete(opening(), [READ_FILE, EDIT_FILE])

    assert reply.content == "Reading it."
    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("toolu_1", "read_file", {"path": "app.py"})
    ]
    assert reply.stop_reason == "tool_use"
    assert reply.usage.model_dump() == {
        "input_tokens": 1250,
        "output_tokens": 30,
        "cached_tokens": 1000,
        "cache_write_tokens": 200,
    }
    sent = server.received[0]
    assert sent.path == "/v1/messages"
    assert sent.json["model"] == "claude-sonnet-4-6"
    assert sent.json["system"] == [
        {
            "type": "text",
            "text": "You are a backend engineer.",
            "cache_control": {"type": "ephemeral"},
        }
    ]
    assert [t["name"] for t in sent.json["tools"]] == ["read_file", "edit_file"]
    assert sent.json["tools"][0]["input_schema"]["required"] == ["path"]
    assert sent.json["messages"] == [
        {
            "role": "user",
            "content": [
                {
                    "type": "text",
                    "text": "Implement the discount rule.",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
        }
    ]


def test_multi_turn_sends_tool_results_in_one_user_turn(server, sleeps):
    """The assistant's tool calls go back as tool_use blocks and both results, the error one
    flagged, as tool_result blocks of a single user turn with the matching ids."""
    server.queue(wire.anthropic_message(wire.anthropic_text("Done.")))
    reply = claude(server.url, sleeps).complete(after_two_tool_calls(), [READ_FILE])

    assert reply.content == "Done." and reply.tool_calls == []
    messages = server.received[0].json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == [
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "id": "call_1", "name": "read_file", "input": {"path": "app.py"}},
        {"type": "tool_use", "id": "call_2", "name": "read_file", "input": {"path": "gone.py"}},
    ]
    results = messages[2]["content"]
    assert [(r["type"], r["tool_use_id"], r["content"]) for r in results] == [
        ("tool_result", "call_1", "print('hi')"),
        ("tool_result", "call_2", "no such file"),
    ]
    assert "is_error" not in results[0] and results[1]["is_error"] is True


def test_429_with_retry_after_then_success(server, sleeps):
    """A 429 is retried after exactly the Retry-After the server asked for."""
    server.queue(wire.anthropic_error("rate_limit_error", "slow down"), 429, {"retry-after": "7"})
    server.queue(wire.anthropic_message(wire.anthropic_text("ok")))

    reply = claude(server.url, sleeps).complete(opening(), [])

    assert reply.content == "ok"
    assert sleeps == [7.0]
    assert len(server.received) == 2


def test_500_then_success_backs_off(server, sleeps):
    """A 500 is retried after an exponential backoff delay (base 1s, jittered into [0.5, 1])."""
    server.queue(wire.anthropic_error("api_error", "boom"), 500)
    server.queue(wire.anthropic_message(wire.anthropic_text("ok")))

    assert claude(server.url, sleeps).complete(opening(), []).content == "ok"
    assert len(sleeps) == 1 and 0.5 <= sleeps[0] <= 1.0


def test_529_overloaded_until_the_last_attempt(server, sleeps):
    """Overload (529) is retried; after the last attempt the error names the provider,
    the status and the number of attempts."""
    for _ in range(3):
        server.queue(wire.anthropic_error("overloaded_error", "Overloaded"), 529)

    with pytest.raises(ProviderGaveUp) as caught:
        claude(server.url, sleeps, attempts=3).complete(opening(), [])

    assert caught.value.status == 529 and caught.value.attempts == 3
    message = str(caught.value)
    assert "anthropic" in message and "529" in message and "3 attempts" in message
    assert len(server.received) == 3 and len(sleeps) == 2


def test_malformed_tool_input_is_kept_raw(server, sleeps):
    """A tool_use whose input is not a JSON object becomes arguments={} + raw_arguments."""
    server.queue(
        wire.anthropic_message(wire.anthropic_tool_use("toolu_9", "edit_file", '{"path": "a.py'))
    )
    reply = claude(server.url, sleeps).complete(opening(), [EDIT_FILE])

    call = reply.tool_calls[0]
    assert call.arguments == {} and call.raw_arguments == '{"path": "a.py'


def test_401_is_not_retried_and_never_shows_the_key(server, sleeps):
    """An auth failure is final at once, and the key appears in no message or repr even
    when the server echoes it back."""
    server.queue(wire.anthropic_error("authentication_error", f"bad key {KEY}"), 401)
    model = claude(server.url, sleeps)

    with pytest.raises(ProviderGaveUp) as caught:
        model.complete(opening(), [])

    assert caught.value.status == 401 and "not retried" in str(caught.value)
    assert sleeps == [] and len(server.received) == 1
    assert "SECRET" not in str(caught.value) and "SECRET" not in repr(model)


def test_the_sdk_itself_never_retries(server):
    """With no Retrying around it, one 429 is one request: the SDK's own retries are off."""
    server.queue(wire.anthropic_error("rate_limit_error", "slow"), 429, {"retry-after": "1"})
    model = AnthropicModel("claude-sonnet-4-6", api_key=SecretStr(KEY), base_url=server.url)

    with pytest.raises(ProviderError) as caught:
        model.complete(opening(), [])

    assert caught.value.status == 429 and caught.value.retry_after == 1.0
    assert len(server.received) == 1


def test_thinking_before_a_tool_call_goes_back_verbatim(server, sleeps):
    """A turn that thought before calling a tool is sent back exactly, thinking block and
    signature first, as the API requires within a tool loop."""
    thinking = {"type": "thinking", "thinking": "Check app.py first.", "signature": "sig-abc"}
    server.queue(
        wire.anthropic_message(
            thinking, wire.anthropic_tool_use("toolu_t", "read_file", {"path": "a"})
        )
    )
    server.queue(wire.anthropic_message(wire.anthropic_text("done")))
    model = claude(server.url, sleeps)

    first = model.complete(opening(), [READ_FILE])
    follow_up = [
        *opening(),
        Message(role="assistant", tool_calls=first.tool_calls),
        Message(role="tool", tool_call_id="toolu_t", content="x = 1"),
    ]
    model.complete(follow_up, [READ_FILE])

    assistant = server.received[1].json["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == thinking
    assert (
        assistant["content"][1]["type"] == "tool_use" and assistant["content"][1]["id"] == "toolu_t"
    )
