"""`anthropic:<model>`: the official anthropic SDK, Messages API with tool use.

One HTTP attempt per `complete()`: the SDK's retries are off so `retry.Retrying` is the one
place that waits. Failures come out as `ProviderError` with the status, Retry-After and any
usage the response carried; the key is scrubbed from every message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import anthropic
from anthropic.types import Message as WireMessage
from pydantic import SecretStr

from agent.models import anthropic_wire as wire
from agent.models.base import Message, Reply, ToolSpec, Usage
from agent.models.retry import ProviderError, parse_retry_after, read_reply

DEFAULT_BASE_URL = "https://api.anthropic.com"
REMEMBERED_TURNS = 256


class AnthropicModel:
    """Claude through the Messages API, with the stable prefix (tools + system) cached.

    Turns in which the model thought before calling tools are remembered (in this process)
    and sent back verbatim, as the API requires of thinking blocks in a tool loop. After a
    resume in a new process they are sent without their thinking.
    """

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
        self.name = f"anthropic:{model}"
        self.max_output_tokens = max_output_tokens
        self._model = model
        self._key = api_key
        self._thinking_turns: dict[tuple[str, ...], list[wire.Block]] = {}
        self._client = anthropic.Anthropic(
            api_key=api_key.get_secret_value(),
            base_url=base_url or DEFAULT_BASE_URL,
            max_retries=0,
            timeout=timeout_s,
        )

    def __repr__(self) -> str:
        return f"AnthropicModel({self._model!r})"

    def _request(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> dict[str, Any]:
        system = wire.system_blocks(messages)
        request: dict[str, Any] = {
            "model": self._model,
            "max_tokens": self.max_output_tokens,
            "messages": wire.conversation(messages, self._thinking_turns),
        }
        if system:
            request["system"] = system
        if tools:
            request["tools"] = wire.tool_params(tools, cache_last=not system)
        return request

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        request = self._request(messages, tools)
        try:
            # The SDK's TypedDict params are built as plain dicts in anthropic_wire.
            response = self._client.messages.create(**cast(Any, request))
        except anthropic.APIStatusError as exc:
            raise self._failure(
                exc.message,
                exc.status_code,
                dict(exc.response.headers),
                wire.usage_from_body(exc.body),
            ) from exc
        except anthropic.APIConnectionError as exc:
            raise self._failure(exc.message, None, {}, None) from exc
        except (anthropic.AnthropicError, ValueError) as exc:  # ValueError: a body not JSON
            raise self._failure(f"unreadable response: {exc}", 200, {}, None) from exc
        reply = read_reply("anthropic", wire.reply, response)
        self._remember(response)
        return reply

    def _remember(self, response: WireMessage) -> None:
        turn = wire.thinking_turn(response)
        if turn is not None:
            self._thinking_turns[turn[0]] = turn[1]
            while len(self._thinking_turns) > REMEMBERED_TURNS:
                self._thinking_turns.pop(next(iter(self._thinking_turns)))

    def _failure(
        self, message: str, status: int | None, headers: dict[str, str], usage: Usage | None
    ) -> ProviderError:
        secret = self._key.get_secret_value()
        text = message.replace(secret, "**********") if secret else message
        return ProviderError(
            "anthropic", text, status=status, retry_after=parse_retry_after(headers), usage=usage
        )
