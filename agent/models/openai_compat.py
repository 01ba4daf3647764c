"""`openai-compatible:<model>`: any server that speaks Chat Completions with tools.

vLLM, Ollama and LM Studio serve this at a base URL such as `http://localhost:11434/v1`.
Local servers often need no key; the SDK still wants one, so a placeholder is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import openai
from pydantic import SecretStr

from agent.models import chat_wire as wire
from agent.models.base import Message, Reply, ToolSpec
from agent.models.openai_provider import openai_client, sdk_failure
from agent.models.retry import ProviderError, read_reply

NO_KEY = SecretStr("not-needed")


class OpenAICompatibleModel:
    """A model behind an OpenAI-compatible Chat Completions endpoint."""

    offline = False

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: SecretStr | None = None,
        max_output_tokens: int = 8192,
        timeout_s: float = 600.0,
    ) -> None:
        self.name = f"openai-compatible:{model}"
        self.max_output_tokens = max_output_tokens
        self.base_url = base_url
        self._model = model
        self._key = api_key or NO_KEY
        self._client = openai_client(self._key, base_url, timeout_s)

    def __repr__(self) -> str:
        return f"OpenAICompatibleModel({self._model!r}, base_url={self.base_url!r})"

    def _request(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self._model,
            "messages": wire.messages(messages),
            "max_tokens": self.max_output_tokens,
        }
        if tools:
            request["tools"] = wire.tools(tools)
        return request

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        request = self._request(messages, tools)
        try:
            # The SDK's TypedDict params are built as plain dicts in chat_wire.
            completion = self._client.chat.completions.create(**cast(Any, request))
        except openai.OpenAIError as exc:
            raise sdk_failure("openai-compatible", exc, self._key, wire.usage_from_body) from exc
        except ValueError as exc:  # a 200 whose body is not JSON
            detail = f"unreadable response: {exc}"
            raise ProviderError("openai-compatible", detail, status=200) from exc
        return read_reply("openai-compatible", wire.reply, completion)
