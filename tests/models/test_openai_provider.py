"""The openai provider against a local server speaking the Responses API wire format."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.retry import ProviderGaveUp, RetryPolicy
from tests.fakes import model_servers as wire
from tests.models.conftest import READ_FILE, after_two_tool_calls, opening

KEY = "sk-proj-test-SECRET-456"


def gpt(url: str, sleeps: list[float], attempts: int = 3):  # type: ignore[no-untyped-def]
    options = ModelOptions(retry=RetryPolicy(max_attempts=attempts), sleep=sleeps.append)
    keys = ProviderKeys(openai=SecretStr(KEY))
    return build_model("openai:gpt-5", keys=keys, base_url=f"{url}/v1", options=options)


def test_function_call_and_cached_usage(server, sleeps):
    """A function_call output item becomes a ToolCall with its call_id; usage carries the
    cached input tokens; the request sends instructions, input items and function tools."""
    server.queue(
        wire.openai_response(
            wire.openai_function_call("call_a", "read_file", '{"path": "app.py"}'),
            input_tokens=1200,
            output_tokens=15,
            cached=1024,
        )
    )
    reply = gpt(server.url, sleeps).complete(opening(), [READ_FILE])

    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("call_a", "read_file", {"path": "app.py"})
    ]
    assert reply.stop_reason == "tool_use"
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cached_tokens) == (
        1200,
        15,
        1024,
    )
    sent = server.received[0]
    assert sent.path == "/v1/responses"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.json["instructions"] == "You are a backend engineer."
    assert sent.json["input"] == [{"role": "user", "content": "Implement the discount rule."}]
    assert sent.json["tools"][0] == {
        "type": "function",
        "name": "read_file",
        "description": "Read a file.",
        "parameters": READ_FILE.parameters,
        "strict": False,
    }
    assert sent.json["store"] is False


def test_multi_turn_sends_function_call_outputs(server, sleeps):
    """Earlier calls go back as function_call items and their results as
    function_call_output items with the same call_id (an error result says so)."""
    server.queue(wire.openai_response(wire.openai_message("All good.")))
    reply = gpt(server.url, sleeps).complete(after_two_tool_calls(), [READ_FILE])

    assert reply.content == "All good." and reply.stop_reason == "end_turn"
    items = server.received[0].json["input"]
    assert items[1] == {"role": "assistant", "content": "Let me look."}
    assert [(i["type"], i["call_id"]) for i in items[2:]] == [
        ("function_call", "call_1"),
        ("function_call", "call_2"),
        ("function_call_output", "call_1"),
        ("function_call_output", "call_2"),
    ]
    assert json.loads(items[2]["arguments"]) == {"path": "app.py"}
    assert items[4]["output"] == "print('hi')"
    assert items[5]["output"] == "error: no such file"


def test_429_with_retry_after_then_success(server, sleeps):
    """A 429 waits the Retry-After (milliseconds form) and then succeeds."""
    server.queue(
        wire.openai_error("Rate limit", "rate_limit_error"), 429, {"retry-after-ms": "1500"}
    )
    server.queue(wire.openai_response(wire.openai_message("ok")))

    assert gpt(server.url, sleeps).complete(opening(), []).content == "ok"
    assert sleeps == [1.5] and len(server.received) == 2


def test_malformed_arguments_never_crash(server, sleeps):
    """Arguments that are not JSON, or JSON that is not an object, stay raw."""
    server.queue(
        wire.openai_response(
            wire.openai_function_call("c1", "read_file", "{path: app.py"),
            wire.openai_function_call("c2", "read_file", '["app.py"]'),
        )
    )
    calls = gpt(server.url, sleeps).complete(opening(), [READ_FILE]).tool_calls

    assert [(c.arguments, c.raw_arguments) for c in calls] == [
        ({}, "{path: app.py"),
        ({}, '["app.py"]'),
    ]


def test_final_error_after_the_last_retry(server, sleeps):
    """Three 500s with three attempts: a ProviderGaveUp naming openai, 500 and 3 attempts."""
    for _ in range(3):
        server.queue(wire.openai_error("The server had an error"), 500)

    with pytest.raises(ProviderGaveUp) as caught:
        gpt(server.url, sleeps).complete(opening(), [])

    assert "openai gave up after 3 attempts: HTTP 500" in str(caught.value)
    assert "SECRET" not in str(caught.value)
    assert len(server.received) == 3
