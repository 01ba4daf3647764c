"""openai-compatible against a local server speaking Chat Completions (as vLLM/Ollama do)."""

from __future__ import annotations

import pytest

from agent.errors import ConfigError
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.retry import RetryPolicy
from tests.fakes import model_servers as wire
from tests.models.conftest import READ_FILE, after_two_tool_calls, opening


def local(url: str, sleeps: list[float]):  # type: ignore[no-untyped-def]
    options = ModelOptions(retry=RetryPolicy(max_attempts=3), sleep=sleeps.append)
    return build_model(
        "openai-compatible:qwen2.5-coder",
        keys=ProviderKeys(),
        base_url=f"{url}/v1",
        options=options,
    )


def test_tool_call_and_usage(server, sleeps):
    """tool_calls become ToolCalls; prompt/completion/cached tokens become Usage; a
    server that needs no key still gets a placeholder bearer token."""
    server.queue(
        wire.chat_completion(
            tool_calls=[wire.chat_tool_call("call_x", "read_file", '{"path": "app.py"}')],
            usage={
                "prompt_tokens": 300,
                "completion_tokens": 12,
                "total_tokens": 312,
                "prompt_tokens_details": {"cached_tokens": 256},
            },
        )
    )
    reply = local(server.url, sleeps).complete(opening(), [READ_FILE])

    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("call_x", "read_file", {"path": "app.py"})
    ]
    assert reply.stop_reason == "tool_use"
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cached_tokens) == (
        300,
        12,
        256,
    )
    sent = server.received[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer not-needed"
    assert sent.json["messages"][0] == {"role": "system", "content": "You are a backend engineer."}
    assert sent.json["tools"][0]["function"]["name"] == "read_file"


def test_multi_turn_sends_tool_messages(server, sleeps):
    """The assistant turn carries tool_calls and each result is a `tool` message with the
    matching tool_call_id."""
    server.queue(wire.chat_completion("fixed", usage={"prompt_tokens": 9, "completion_tokens": 1}))
    assert (
        local(server.url, sleeps).complete(after_two_tool_calls(), [READ_FILE]).content == "fixed"
    )

    messages = server.received[0].json["messages"]
    assistant = messages[2]
    assert assistant["role"] == "assistant" and assistant["content"] == "Let me look."
    assert [c["id"] for c in assistant["tool_calls"]] == ["call_1", "call_2"]
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"path": "app.py"}'
    assert messages[3:] == [
        {"role": "tool", "tool_call_id": "call_1", "content": "print('hi')"},
        {"role": "tool", "tool_call_id": "call_2", "content": "error: no such file"},
    ]


def test_429_then_success_and_malformed_arguments(server, sleeps):
    """A 429 with Retry-After is retried; then broken JSON arguments come back raw."""
    server.queue({"error": {"message": "busy"}}, 429, {"retry-after": "2"})
    server.queue(wire.chat_completion(tool_calls=[wire.chat_tool_call("c", "read_file", "{oops")]))

    reply = local(server.url, sleeps).complete(opening(), [READ_FILE])

    assert sleeps == [2.0]
    assert reply.tool_calls[0].arguments == {} and reply.tool_calls[0].raw_arguments == "{oops"
    assert reply.usage.input_tokens == 0  # this server reported no usage


def test_needs_a_base_url():
    """openai-compatible without a base URL is a configuration error that says where one
    is given: OPENAI_BASE_URL by default (a worker has no --base-url), and what the edge
    says it takes when it says so."""
    with pytest.raises(ConfigError, match="needs the server's base URL: set OPENAI_BASE_URL") as e:
        build_model("openai-compatible:llama3", keys=ProviderKeys())
    assert "--base-url" not in str(e.value)
    with pytest.raises(ConfigError, match="base URL: pass --base-url URL or set OPENAI_BASE_URL"):
        build_model(
            "openai-compatible:llama3",
            keys=ProviderKeys(),
            base_url_from="pass --base-url URL or set OPENAI_BASE_URL",
        )
