"""GitHub App auth: the app's JWT buys an installation token, and the PR call carries that token."""

from __future__ import annotations

from collections.abc import Callable

import jwt
import pytest
from pydantic import SecretStr

from agent.delivery.github import GitHubAppAuth, GitHubForge
from agent.errors import DeliveryError
from tests.fakes.github_server import FakeGitHub, app_key_pair

MakeForge = Callable[..., GitHubForge]


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    """A fresh RSA key: (private PEM, public PEM)."""
    return app_key_pair()


def _app_auth(private: str) -> GitHubAppAuth:
    return GitHubAppAuth(app_id=123456, private_key=SecretStr(private), installation_id=42)


def test_pull_request_call_carries_the_installation_token(
    github: FakeGitHub, make_forge: MakeForge, key_pair: tuple[str, str]
) -> None:
    """The forge trades a signed JWT for an installation token, then opens the PR with it."""
    private, public = key_pair
    github.add_app(123456, public)
    forge = make_forge(auth=_app_auth(private))

    pr = forge.open_or_update_pr(
        head="agent/run-1", base="main", title="t", body="b", draft=False, labels=[],
        closes_issue=None,
    )  # fmt: skip

    assert pr.created
    exchange = github.requests[0]
    assert (exchange.method, exchange.path) == ("POST", "/app/installations/42/access_tokens")
    claims = jwt.decode(exchange.headers["authorization"].removeprefix("Bearer "), public,
                        algorithms=["RS256"])  # fmt: skip
    assert claims["iss"] == "123456"
    [token] = github.issued_tokens
    create = next(
        r for r in github.requests if r.path == "/repos/octo/svc/pulls" and r.method == "POST"
    )
    assert create.headers["authorization"] == f"token {token}"


def test_git_credentials_are_a_fresh_installation_token(
    github: FakeGitHub, make_forge: MakeForge, key_pair: tuple[str, str]
) -> None:
    """For pushing, an app forge hands out an installation token (never the private key)."""
    private, public = key_pair
    github.add_app(123456, public)

    credentials = make_forge(auth=_app_auth(private)).git_credentials()

    assert credentials.token.get_secret_value() == github.issued_tokens[-1]
    assert credentials.username == "x-access-token"
    assert github.issued_tokens[-1] not in repr(credentials)


def test_unknown_app_key_is_a_clear_delivery_error(
    github: FakeGitHub, make_forge: MakeForge, key_pair: tuple[str, str]
) -> None:
    """A key GitHub does not know: 401 on the token exchange, reported without the key."""
    private, _ = key_pair
    forge = make_forge(auth=_app_auth(private))
    with pytest.raises(DeliveryError, match="401") as caught:
        forge.comment_on_issue(1, "hello")
    assert "GitHub App" in str(caught.value)
    assert "PRIVATE KEY" not in str(caught.value) and private not in repr(forge)
