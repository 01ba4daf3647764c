"""The GitHub forge (github.com and GitHub Enterprise) through githubkit's REST client.

One open pull request per head branch: the forge looks for it first, updates it when it
exists, opens it otherwise, and when GitHub answers 422 "A pull request already exists"
(another run opened it in between) finds and updates that one.

Draft state: REST can set `draft` only when opening a pull request; it cannot flip it
later (`PATCH /pulls/{n}` has no `draft` field). On an update whose wanted draft state
differs, the forge calls the GraphQL mutation made for it (`markPullRequestReadyForReview`
or `convertPullRequestToDraft`) through the same githubkit client, the only API GitHub
offers for it. When that call is refused the delivery still succeeds: a warning is
logged and the returned `PullRequest.draft` says the state the PR really has.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Annotated, Literal

from githubkit import (
    AppAuthStrategy,
    AppInstallationAuthStrategy,
    BaseAuthStrategy,
    GitHub,
    TokenAuthStrategy,
)
from githubkit.cache import MemCacheStrategy
from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import PullRequest as GitHubPull
from githubkit_schemas.latest.models import PullRequestSimple
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agent.delivery.askpass import GitCredentials
from agent.delivery.forge import PullRequest, pr_body
from agent.delivery.github_calls import GitHubCaller, server_message
from agent.errors import DeliveryError

log = logging.getLogger(__name__)

_READY = "mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id}) { pullRequest { isDraft } } }"  # noqa: E501
_TO_DRAFT = "mutation($id: ID!) { convertPullRequestToDraft(input: {pullRequestId: $id}) { pullRequest { isDraft } } }"  # noqa: E501


class GitHubTokenAuth(BaseModel):
    """A personal access token, a fine-grained token or `GITHUB_TOKEN` from Actions."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["token"] = "token"
    token: SecretStr


class GitHubAppAuth(BaseModel):
    """A GitHub App installation: the app signs a JWT, GitHub trades it for a token."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["app"] = "app"
    app_id: int | str
    private_key: SecretStr = Field(description="the app's PEM private key")
    installation_id: int


GitHubAuth = Annotated[GitHubTokenAuth | GitHubAppAuth, Field(discriminator="type")]


class GitHubApp(BaseModel):
    """A GitHub App before an installation is chosen. Each account or organisation that
    installs the app is one installation, and a repository's calls need its installation's
    token: a webhook delivery (or the job it queued) names it; `default_installation`
    (GITHUB_APP_INSTALLATION_ID) serves the calls that name none."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    app_id: int | str
    private_key: SecretStr = Field(description="the app's PEM private key")
    default_installation: int | None = None

    def installation(self, installation_id: int | None = None) -> GitHubAppAuth | None:
        """The auth of `installation_id`, else of the default; None when neither is known."""
        chosen = self.default_installation if installation_id is None else installation_id
        if chosen is None:
            return None
        return GitHubAppAuth(
            app_id=self.app_id, private_key=self.private_key, installation_id=chosen
        )


GitHubCredentials = GitHubTokenAuth | GitHubApp
"""What the configuration holds: a token, or an App whose installation each call chooses."""


class GitHubConfig(BaseModel):
    """Which repository gets the pull request, on which GitHub, with which credentials."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    repo: str = Field(description="owner/name of the repository", pattern=r"^[^/\s]+/[^/\s]+$")
    auth: GitHubAuth
    base_url: str = Field(
        "https://api.github.com",
        description="REST root; GitHub Enterprise Server is https://HOST/api/v3",
    )
    api_version: str | None = Field(
        None, description="X-GitHub-Api-Version to send instead of githubkit's (older GHES)"
    )
    max_retries: int = Field(3, ge=0, description="rate-limit retries per call")
    max_wait_s: float = Field(300.0, gt=0, description="longest Retry-After worth waiting")
    timeout_s: float = Field(30.0, gt=0, description="per-request timeout")


class GitHubForge:
    """`Forge` for one GitHub repository. Build it at the edge and pass it down."""

    def __init__(
        self, config: GitHubConfig, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._config = config
        self._owner, self._repo = config.repo.split("/", 1)
        self._headers = {"X-GitHub-Api-Version": config.api_version} if config.api_version else {}
        auth = config.auth
        secret = auth.token if isinstance(auth, GitHubTokenAuth) else auth.private_key
        self._call = GitHubCaller(
            config.base_url,
            [secret],
            sleep,
            config.max_retries,
            config.max_wait_s,
        )
        self._gh = _client(config, installation=True)

    def __repr__(self) -> str:
        return f"GitHubForge(repo={self._config.repo!r}, base_url={self._config.base_url!r})"

    def open_or_update_pr(
        self,
        *,
        head: str,
        base: str,
        title: str,
        body: str,
        draft: bool,
        labels: Sequence[str],
        closes_issue: int | None,
    ) -> PullRequest:
        """Open the pull request of `head`, or update the open one (title, body, base, draft)."""
        text = pr_body(body, closes_issue)
        existing = self._find_open(head)
        if existing is None:
            pull, created = self._create(head, base, title, text, draft)
        else:
            pull, created = self._update(existing.number, base, title, text), False
        is_draft = bool(pull.draft) if created else self._set_draft(pull, draft)
        if labels:
            self._call(
                "adding labels",
                lambda: self._gh.rest.issues.add_labels(
                    self._owner, self._repo, pull.number, labels=list(labels), headers=self._headers
                ),
            )
        state: Literal["open", "closed", "merged"] = "open" if pull.state == "open" else "closed"
        log.info(
            "pull request #%d %s: %s",
            pull.number,
            "opened" if created else "updated",
            pull.html_url,
        )
        return PullRequest(pull.number, pull.html_url, state, is_draft, created)

    def comment_on_issue(self, number: int, body: str) -> None:
        """Add a comment to issue (or pull request) `number`."""
        self._call(
            f"commenting on #{number}",
            lambda: self._gh.rest.issues.create_comment(
                self._owner, self._repo, number, body=body, headers=self._headers
            ),
        )

    def git_credentials(self) -> GitCredentials:
        """Credentials for pushing over HTTPS: the token, or a fresh installation token."""
        auth = self._config.auth
        if isinstance(auth, GitHubTokenAuth):
            return GitCredentials(auth.token)
        app = _client(self._config, installation=False)
        token = self._call(
            "getting an installation token",
            lambda: (
                app.rest.apps.create_installation_access_token(auth.installation_id).parsed_data
            ),
        )
        return GitCredentials(SecretStr(token.token))

    def _find_open(self, head: str) -> PullRequestSimple | None:
        pulls = self._call(
            "looking for the open pull request",
            lambda: (
                self._gh.rest.pulls.list(
                    self._owner,
                    self._repo,
                    state="open",
                    head=f"{self._owner}:{head}",
                    headers=self._headers,
                ).parsed_data
            ),
        )
        return next((p for p in pulls if p.head.ref == head), None)

    def _create(
        self, head: str, base: str, title: str, body: str, draft: bool
    ) -> tuple[GitHubPull, bool]:
        def request() -> GitHubPull | None:
            try:
                return self._gh.rest.pulls.create(
                    self._owner,
                    self._repo,
                    head=head,
                    base=base,
                    title=title,
                    body=body,
                    draft=draft,
                    headers=self._headers,
                ).parsed_data
            except RequestFailed as exc:
                if _already_exists(exc):
                    return None
                raise

        opened = self._call("opening the pull request", request)
        if opened is not None:
            return opened, True
        log.info("a pull request for %s already exists; updating it", head)
        existing = self._find_open(head)
        if existing is None:
            raise DeliveryError(f"GitHub says a pull request for {head!r} exists but lists none")
        return self._update(existing.number, base, title, body), False

    def _update(self, number: int, base: str, title: str, body: str) -> GitHubPull:
        return self._call(
            f"updating pull request #{number}",
            lambda: (
                self._gh.rest.pulls.update(
                    self._owner,
                    self._repo,
                    number,
                    title=title,
                    body=body,
                    base=base,
                    headers=self._headers,
                ).parsed_data
            ),
        )

    def _set_draft(self, pull: GitHubPull, draft: bool) -> bool:
        """Flip the draft state through GraphQL when it differs; the state the PR ends in."""
        current = bool(pull.draft)
        if current == draft:
            return current
        try:
            self._call(
                "changing the draft state",
                lambda: self._gh.graphql.request(
                    _TO_DRAFT if draft else _READY, {"id": pull.node_id}
                ),
            )
        except DeliveryError as exc:
            log.warning("pull request #%d stays %s: %s", pull.number, _word(current), exc)
            return current
        return draft


def auth_strategy(auth: GitHubAuth) -> BaseAuthStrategy:
    """githubkit's strategy for `auth`: the token, or the App as its installation."""
    if isinstance(auth, GitHubTokenAuth):
        return TokenAuthStrategy(auth.token.get_secret_value())
    key = auth.private_key.get_secret_value()
    return AppInstallationAuthStrategy(auth.app_id, key, auth.installation_id)


def _client(config: GitHubConfig, *, installation: bool) -> GitHub[BaseAuthStrategy]:
    """A githubkit client with its own token cache, no HTTP cache and no built-in retry."""
    auth = config.auth
    strategy = auth_strategy(auth)
    if isinstance(auth, GitHubAppAuth) and not installation:
        strategy = AppAuthStrategy(auth.app_id, auth.private_key.get_secret_value())
    return GitHub(
        strategy,
        base_url=config.base_url,
        user_agent="backend-agent",
        timeout=config.timeout_s,
        http_cache=False,
        auto_retry=False,
        cache_strategy=MemCacheStrategy(),
    )


def _already_exists(exc: RequestFailed) -> bool:
    """GitHub's 422 for a second pull request on the same head branch."""
    return exc.response.status_code == 422 and "already exists" in server_message(exc)


def _word(draft: bool) -> str:
    return "a draft" if draft else "ready for review"
