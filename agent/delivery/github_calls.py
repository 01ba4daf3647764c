"""One GitHub API call with bounded rate-limit retries, and every failure as a `DeliveryError`.

githubkit's own retry sleeps with `time.sleep` and retries once; the forge turns it off
and retries here instead, with an injectable sleep, a bounded count, and a ceiling on
how long it will wait. Messages name the action and the status, never a credential:
any secret value that appears in a server's message is replaced by `***`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import jwt
from githubkit.exception import (
    GitHubException,
    GraphQLFailed,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
)
from pydantic import SecretStr

from agent.delivery.redact import redact
from agent.errors import DeliveryError

log = logging.getLogger(__name__)

T = TypeVar("T")

_HINTS = {
    401: "check GITHUB_TOKEN, or the GitHub App id, private key and installation id",
    403: "the token may lack a permission (contents and pull requests: write, issues: write)",
    404: "check the repository name and that the token can see it",
}


@dataclass(frozen=True)
class GitHubCaller:
    """Calls a request function, waiting out rate limits and translating failures."""

    base_url: str
    secrets: Sequence[SecretStr]
    sleep: Callable[[float], None]
    max_retries: int = 3
    max_wait_s: float = 300.0

    def __call__(self, action: str, request: Callable[[], T]) -> T:
        """`request()`'s result; `action` (e.g. "opening the pull request") names it in errors."""
        attempt = 0
        while True:
            try:
                return request()
            except GitHubException as exc:
                failure = _unwrap(exc)
                wait = self._wait_for(failure, attempt)
                if wait is None:
                    raise self._error(action, failure) from None
            attempt += 1
            log.warning(
                "GitHub rate limit while %s; waiting %.0fs (retry %d of %d)",
                action,
                wait,
                attempt,
                self.max_retries,
            )
            self.sleep(wait)

    def _wait_for(self, failure: BaseException, attempt: int) -> float | None:
        if not isinstance(failure, RateLimitExceeded) or attempt >= self.max_retries:
            return None
        wait = failure.retry_after.total_seconds()
        return wait if wait <= self.max_wait_s else None

    def _error(self, action: str, failure: BaseException) -> DeliveryError:
        if isinstance(failure, RateLimitExceeded):
            text = (
                f"GitHub kept rate-limiting while {action} (asked to wait "
                f"{failure.retry_after.total_seconds():.0f}s after {self.max_retries} retries)"
            )
        elif isinstance(failure, RequestFailed):
            text = _status_message(action, failure)
        elif isinstance(failure, GraphQLFailed):
            reasons = "; ".join(e.message for e in failure.response.errors or [])
            text = f"GitHub GraphQL refused {action}: {reasons}"
        elif isinstance(failure, jwt.PyJWTError):
            text = (
                f"could not sign the GitHub App JWT while {action}: the private key is not "
                f"a usable RSA key ({type(failure).__name__})"
            )
        elif isinstance(failure, httpx.HTTPError):
            text = f"no answer from GitHub at {self.base_url} while {action} ({failure})"
        else:
            text = f"GitHub request failed while {action} ({type(failure).__name__})"
        return DeliveryError(redact(text, self.secrets))


def _unwrap(exc: GitHubException) -> BaseException:
    """The real failure: githubkit wraps errors raised inside auth flows in `RequestError`."""
    inner: BaseException = exc
    while isinstance(inner, RequestError) and not isinstance(inner, RequestFailed):
        if not isinstance(inner.exc, BaseException):
            break
        inner = inner.exc
    return inner


def _status_message(action: str, failure: RequestFailed) -> str:
    status = failure.response.status_code
    text = f"GitHub answered {status} ({server_message(failure)}) while {action}"
    hint = _HINTS.get(status)
    return f"{text}; {hint}" if hint else text


def server_message(failure: RequestFailed) -> str:
    """The `message` of GitHub's error body, with each `errors[].message` after it."""
    try:
        payload: Any = failure.response.raw_response.json()
    except ValueError:
        return failure.response.reason_phrase
    if not isinstance(payload, dict):
        return failure.response.reason_phrase
    parts = [str(payload.get("message") or failure.response.reason_phrase)]
    errors = payload.get("errors")
    if isinstance(errors, list):
        parts += [str(e["message"]) for e in errors if isinstance(e, dict) and "message" in e]
    return ": ".join(parts)
