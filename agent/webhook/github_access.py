"""What the webhook service asks GitHub: the sender's permission, and a forge per repository
for its comments. Both use the credentials `backend-agent run --open-pr` uses
(`GITHUB_TOKEN`, or the GitHub App) on `GITHUB_API_URL`.

A GitHub App acts as the installation the delivery names (`installation.id`: the account
or organisation the repository belongs to), else as `GITHUB_APP_INSTALLATION_ID`; with
neither, the call raises a `ConfigError` saying so and the delivery gets 503."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from githubkit import BaseAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import GitHubException, RequestFailed

from agent.config import Settings
from agent.delivery.forge import Forge
from agent.delivery.github import (
    GitHubAuth,
    GitHubConfig,
    GitHubCredentials,
    GitHubForge,
    GitHubTokenAuth,
    auth_strategy,
)
from agent.delivery.select import github_credentials, installation_auth
from agent.errors import DeliveryError

WRITERS = frozenset({"admin", "maintain", "write"})
NO_INSTALLATION = (
    "GitHub App: no installation id in the delivery and GITHUB_APP_INSTALLATION_ID unset"
)
SERVE_NEEDS = (
    "serve needs GitHub credentials, to check who labelled an issue and to comment on it: "
    "set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (a GitHub App acts as "
    "the installation each delivery names, else GITHUB_APP_INSTALLATION_ID)"
)
ForgeFactory = Callable[[str, int | None], Forge]
"""(owner/name, the delivery's installation) -> the forge that comments there."""


class PermissionCheck(Protocol):
    """The sender's role on a repository."""

    async def role(self, repository: str, login: str, installation: int | None = None) -> str:
        """`admin`, `maintain`, `write`, `triage`, `read` or `none` (a custom role's name),
        asked as `installation` (the delivery's GitHub App installation, if any)."""
        ...


class GitHubPermissions:
    """`PermissionCheck` through `GET /repos/{owner}/{repo}/collaborators/{user}/permission`."""

    def __init__(
        self, credentials: GitHubCredentials, base_url: str, timeout_s: float = 10.0
    ) -> None:
        self._credentials = credentials
        self._base_url, self._timeout_s = base_url, timeout_s
        self._cache = MemCacheStrategy()  # installation tokens, per check, not per process
        self._clients: dict[int | None, GitHub[BaseAuthStrategy]] = {}

    async def role(self, repository: str, login: str, installation: int | None = None) -> str:
        owner, name = repository.split("/", 1)
        gh = self._client(installation_auth(self._credentials, installation, NO_INSTALLATION))
        try:
            response = await gh.rest.repos.async_get_collaborator_permission_level(
                owner, name, login
            )
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return "none"
            status = exc.response.status_code
            raise DeliveryError(
                f"GitHub answered {status} while checking {login}'s permission on {repository}"
            ) from None
        except GitHubException as exc:
            raise DeliveryError(
                f"no answer from GitHub while checking {login}'s permission on {repository} "
                f"({type(exc).__name__})"
            ) from None
        data = response.parsed_data
        # A custom role's name says nothing; its base permission (`write`, ...) does.
        return data.role_name if data.role_name in WRITERS else data.permission

    def _client(self, auth: GitHubAuth) -> GitHub[BaseAuthStrategy]:
        """One client per installation (one for the token), kept for later deliveries."""
        key = None if isinstance(auth, GitHubTokenAuth) else auth.installation_id
        if key not in self._clients:
            self._clients[key] = GitHub(
                auth_strategy(auth),
                base_url=self._base_url,
                user_agent="backend-agent",
                timeout=self._timeout_s,
                http_cache=False,
                auto_retry=False,
                cache_strategy=self._cache,
            )
        return self._clients[key]


def may_write(role: str) -> bool:
    """Whether a role may ask for a job: admin, maintain or write."""
    return role in WRITERS


def github_forges(settings: Settings) -> ForgeFactory:
    """A `GitHubForge` per repository (owner/name) and installation, with the configured
    credentials (checked now; the installation when a forge is asked for)."""
    credentials = github_credentials(settings, SERVE_NEEDS)

    def forge(repository: str, installation: int | None) -> Forge:
        config = GitHubConfig.model_validate(
            {
                "repo": repository,
                "auth": installation_auth(credentials, installation, NO_INSTALLATION),
                "base_url": settings.github_api_url,
            }
        )
        return GitHubForge(config)

    return forge


def github_permissions(settings: Settings) -> GitHubPermissions:
    """The permission check with the configured credentials."""
    return GitHubPermissions(github_credentials(settings, SERVE_NEEDS), settings.github_api_url)
