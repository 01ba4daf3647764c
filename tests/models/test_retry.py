"""Retry policy arithmetic and Retry-After parsing, without any server."""

from __future__ import annotations

import email.utils

import pytest

from agent.errors import BudgetExceeded
from agent.models.base import Message, Reply
from agent.models.retry import (
    ProviderError,
    ProviderGaveUp,
    Retrying,
    RetryPolicy,
    parse_retry_after,
)


class Flaky:
    """A model that fails with the given errors, then answers."""

    name = "fake:flaky"
    offline = False

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def complete(self, messages, tools):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return Reply(content="ok")


def test_retry_after_forms():
    """Seconds, milliseconds (preferred) and HTTP dates are all understood; junk is ignored."""
    assert parse_retry_after({"Retry-After": "12"}) == 12.0
    assert parse_retry_after({"retry-after": "3", "retry-after-ms": "250"}) == 0.25
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=1_000_000) == pytest.approx(30.0)
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_doubles_and_is_capped():
    """Without Retry-After the delay doubles per attempt up to the cap; Retry-After wins
    but is itself capped."""
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_retry_after_s=30.0)
    assert [policy.delay(n, None, jitter=1.0) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 8]
    assert policy.delay(1, None, jitter=0.0) == 0.5
    assert policy.delay(3, 12.0, jitter=0.0) == 12.0
    assert policy.delay(1, 999.0, jitter=0.0) == 30.0


def test_network_failures_are_retried_and_client_errors_are_not():
    """No response (status None) is retryable; a 400 stops at once."""
    sleeps: list[float] = []
    flaky = Flaky(ProviderError("p", "reset", status=None))
    assert Retrying(flaky, sleep=sleeps.append, jitter=lambda: 0.0).complete([], []).content == "ok"
    assert flaky.calls == 2 and sleeps == [0.5]

    bad = Flaky(ProviderError("p", "bad request", status=400))
    with pytest.raises(ProviderGaveUp, match="p not retried: HTTP 400"):
        Retrying(bad, sleep=sleeps.append).complete([Message(role="user", content="x")], [])
    assert bad.calls == 1


def test_other_errors_pass_straight_through():
    """A budget stop is not a provider failure: it is raised as is, never retried."""
    stopped = Flaky(BudgetExceeded("over"))
    with pytest.raises(BudgetExceeded):
        Retrying(stopped, sleep=lambda s: None).complete([], [])
    assert stopped.calls == 1
