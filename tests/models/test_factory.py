"""build_model: model strings, keys from the edge, and errors an operator can act on."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agent.errors import ConfigError
from agent.models.base import ChatModel
from agent.models.factory import ProviderKeys, build_model, parse_spec
from agent.models.offline import OfflineModel


@pytest.mark.parametrize(
    ("spec", "variable"),
    [("anthropic:claude-sonnet-4-6", "ANTHROPIC_API_KEY"), ("openai:gpt-5", "OPENAI_API_KEY")],
)
def test_missing_key_fails_at_once_naming_the_variable(spec, variable):
    """No key, no model: a ConfigError that names the environment variable to set."""
    with pytest.raises(ConfigError, match=variable):
        build_model(spec, keys=ProviderKeys())


def test_keys_come_from_the_mapping_the_edge_passes_and_never_show():
    """ProviderKeys reads only the mapping it is given, and its repr hides every key."""
    keys = ProviderKeys.from_environ(
        {"ANTHROPIC_API_KEY": "sk-ant-SECRET", "OPENAI_API_KEY": " ", "UNRELATED": "x"}
    )
    assert keys.anthropic is not None and keys.anthropic.get_secret_value() == "sk-ant-SECRET"
    assert keys.openai is None and keys.openai_compatible is None
    assert "SECRET" not in repr(keys) and "SECRET" not in str(keys)


def test_each_provider_builds_a_chat_model(tmp_path):
    """Every model string yields a ChatModel named by the string; offline is the no-model."""
    keys = ProviderKeys(anthropic=SecretStr("a"), openai=SecretStr("o"))
    script = tmp_path / "s.jsonl"
    script.write_text('{"content": "hi"}\n')
    specs = [
        "anthropic:claude-opus-4-8",
        "openai:gpt-5.4",
        "openai-compatible:llama3.1",
        f"scripted:{script}",
    ]
    for spec in specs:
        model = build_model(spec, keys=keys, base_url="http://127.0.0.1:9/v1")
        assert isinstance(model, ChatModel) and model.name == spec and model.offline is False
        assert "SECRET" not in repr(model)
    offline = build_model("offline", keys=ProviderKeys())
    assert isinstance(offline, OfflineModel) and offline.offline


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gemini:pro", "unknown model 'gemini:pro'"),
        ("anthropic:", "names no model"),
        ("scripted:/nope/missing.jsonl", "does not exist"),
    ],
)
def test_bad_model_strings_say_what_is_wrong(spec, message):
    """Unknown providers, empty model names and missing script files are ConfigErrors."""
    with pytest.raises(ConfigError, match=message):
        build_model(spec, keys=ProviderKeys(anthropic=SecretStr("a")))


def test_parse_spec_keeps_colons_in_model_names():
    """Only the first colon separates the provider (Ollama tags have colons)."""
    assert parse_spec("openai-compatible:qwen2.5-coder:7b") == (
        "openai-compatible",
        "qwen2.5-coder:7b",
    )
