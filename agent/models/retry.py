"""Retries with exponential backoff: the one place a model call is tried again.

Providers make exactly one HTTP attempt per `complete()` (their SDKs' own retries are off)
and raise `ProviderError` when it fails. `Retrying` waits and tries again on 408, 409,
429, 5xx (anthropic's 529 overload included) and on dropped connections, honouring
Retry-After; past the last attempt, or on a status no retry can fix (400, 401, 404 …), it
raises `ProviderGaveUp` naming the provider, the status and the attempts made.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from agent.errors import ModelError
from agent.models.base import ChatModel, Message, Reply, ToolSpec, Usage

T = TypeVar("T")


class ProviderError(ModelError):
    """One failed attempt at a provider.

    `status` is the HTTP status, or None when no response came back (connection dropped,
    timeout). `usage` is what the failed response reported, when it reported any.
    """

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None,
        retry_after: float | None = None,
        usage: Usage | None = None,
    ) -> None:
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{provider}: {where}: {message}")
        self.provider = provider
        self.detail = message
        self.status = status
        self.retry_after = retry_after
        self.usage = usage

    @property
    def retryable(self) -> bool:
        """True for failures a later attempt may not meet: rate limits, overload, 5xx, network."""
        return self.status is None or self.status in (408, 409, 429) or self.status >= 500


class ProviderGaveUp(ModelError):
    """The final error for one model call: retries are spent, or retrying cannot help.

    The run stays resumable: nothing was half-applied, the same call can be made again.
    """

    def __init__(self, last: ProviderError, attempts: int) -> None:
        why = "not retried" if not last.retryable else f"gave up after {attempts} attempts"
        where = f"HTTP {last.status}" if last.status is not None else "no response"
        super().__init__(f"{last.provider} {why}: {where}: {last.detail}. The run is resumable.")
        self.provider = last.provider
        self.status = last.status
        self.attempts = attempts


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait. Delays double from `base_delay_s` up to `max_delay_s`.

    A Retry-After from the server wins over the computed delay, capped at
    `max_retry_after_s` so a misbehaving server cannot park a run for hours.
    """

    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    max_retry_after_s: float = 300.0

    def delay(self, attempt: int, retry_after: float | None, jitter: float) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based); jitter in [0, 1)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_retry_after_s)
        backoff = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        return backoff * (0.5 + jitter / 2)


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, `retry-after` seconds or a date."""
    lowered = {key.lower(): value for key, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        wait = float(email.utils.mktime_tz(parsed)) - (time.time() if now is None else now)
        return max(0.0, wait)


class Retrying:
    """A ChatModel that retries its inner model's failed attempts.

    `sleep` and `jitter` are injectable so tests run instantly and deterministically.
    Errors other than `ProviderError` (a budget stop, a script that ran out) pass through.
    """

    def __init__(
        self,
        inner: ChatModel,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.name = inner.name
        self.offline = inner.offline
        self.inner = inner
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._jitter = jitter

    def __repr__(self) -> str:
        return f"Retrying({self.inner!r})"

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        attempts = max(1, self._policy.max_attempts)
        for attempt in range(1, attempts + 1):
            try:
                return self.inner.complete(messages, tools)
            except ProviderError as failure:
                if not failure.retryable or attempt == attempts:
                    raise ProviderGaveUp(failure, attempt) from failure
                self._sleep(self._policy.delay(attempt, failure.retry_after, self._jitter()))
        raise AssertionError("unreachable: the loop returns or raises")


UNREADABLE = (AttributeError, TypeError, KeyError, IndexError, ValueError)


def read_reply(provider: str, parse: Callable[[T], Reply], raw: T) -> Reply:
    """`parse(raw)`, or, when the provider answered 200 with a body of the wrong shape (the
    SDKs build their models without validating), a ProviderError saying so: the run stops
    resumable instead of crashing on the reply."""
    try:
        return parse(raw)
    except UNREADABLE as exc:
        why = f"{type(exc).__name__}: {exc}"[:300]
        raise ProviderError(provider, f"its reply could not be read ({why})", status=200) from exc
