"""`openai:<model>`: the official openai SDK, Responses API with function calls.

One HTTP attempt per `complete()` (SDK retries off; `retry.Retrying` waits). Failures come
out as `ProviderError` with status, Retry-After and any usage; the key is scrubbed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import openai
from pydantic import SecretStr

from agent.models import openai_wire as wire
from agent.models.base import Message, Reply, ToolSpec, Usage
from agent.models.retry import ProviderError, parse_retry_after, read_reply

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def openai_client(api_key: SecretStr, base_url: str, timeout_s: float) -> openai.OpenAI:
    """An SDK client with retries off and the base URL fixed (no environment fallback)."""
    return openai.OpenAI(
        api_key=api_key.get_secret_value(), base_url=base_url, max_retries=0, timeout=timeout_s
    )


def sdk_failure(
    provider: str,
    exc: openai.OpenAIError,
    secret: SecretStr,
    usage_from_body: Callable[[object], Usage | None],
) -> ProviderError:
    """The ProviderError for an openai SDK exception, the key scrubbed from its text."""
    status: int | None = None
    headers: dict[str, str] = {}
    usage: Usage | None = None
    if isinstance(exc, openai.APIStatusError):
        status, headers = exc.status_code, dict(exc.response.headers)
        usage = usage_from_body(exc.body)
    elif not isinstance(exc, openai.APIConnectionError):
        status = 200
    text = str(exc)
    key = secret.get_secret_value()
    if key:
        text = text.replace(key, "**********")
    return ProviderError(
        provider, text, status=status, retry_after=parse_retry_after(headers), usage=usage
    )


class OpenAIModel:
    """GPT models through the Responses API, stateless (the whole conversation each call)."""

    offline = False

    def __init__(
        self,
        model: str,
        *,
        api_key: SecretStr,
        base_url: str | None = None,
        max_output_tokens: int = 8192,
        timeout_s: float = 600.0,
    ) -> None:
        self.name = f"openai:{model}"
        self.max_output_tokens = max_output_tokens
        self._model = model
        self._key = api_key
        self._client = openai_client(api_key, base_url or DEFAULT_BASE_URL, timeout_s)

    def __repr__(self) -> str:
        return f"OpenAIModel({self._model!r})"

    def _request(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self._model,
            "input": wire.input_items(messages),
            "max_output_tokens": self.max_output_tokens,
            "store": False,
        }
        system = wire.instructions(messages)
        if system is not None:
            request["instructions"] = system
        if tools:
            request["tools"] = wire.function_tools(tools)
        return request

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        request = self._request(messages, tools)
        try:
            # The SDK's TypedDict params are built as plain dicts in openai_wire.
            response = self._client.responses.create(**cast(Any, request))
        except openai.OpenAIError as exc:
            raise sdk_failure("openai", exc, self._key, wire.usage_from_body) from exc
        except ValueError as exc:  # a 200 whose body is not JSON
            detail = f"unreadable response: {exc}"
            raise ProviderError("openai", detail, status=200) from exc
        return read_reply("openai", wire.reply, response)
