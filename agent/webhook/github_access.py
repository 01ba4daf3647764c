"""What the webhook service asks GitHub: the sender's permission, and a forge per repository
for its comments. Both use the credentials `backend-agent run --open-pr` uses
(`GITHUB_TOKEN`, or the GitHub App) on `GITHUB_API_URL`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from githubkit import AppInstallationAuthStrategy, BaseAuthStrategy, GitHub, TokenAuthStrategy
from githubkit.exception import GitHubException, RequestFailed

from agent.config import Settings
from agent.delivery.forge import Forge
from agent.delivery.github import GitHubAuth, GitHubConfig, GitHubForge, GitHubTokenAuth
from agent.delivery.select import github_auth
from agent.errors import DeliveryError

WRITERS = frozenset({"admin", "maintain", "write"})
ForgeFactory = Callable[[str], Forge]


class PermissionCheck(Protocol):
    """The sender's role on a repository."""

    async def role(self, repository: str, login: str) -> str:
        """`admin`, `maintain`, `write`, `triage`, `read` or `none` (a custom role's name)."""
        ...


class GitHubPermissions:
    """`PermissionCheck` through `GET /repos/{owner}/{repo}/collaborators/{user}/permission`."""

    def __init__(self, auth: GitHubAuth, base_url: str, timeout_s: float = 10.0) -> None:
        strategy: BaseAuthStrategy
        if isinstance(auth, GitHubTokenAuth):
            strategy = TokenAuthStrategy(auth.token.get_secret_value())
        else:
            key = auth.private_key.get_secret_value()
            strategy = AppInstallationAuthStrategy(auth.app_id, key, auth.installation_id)
        self._gh = GitHub(
            strategy,
            base_url=base_url,
            user_agent="backend-agent",
            timeout=timeout_s,
            http_cache=False,
            auto_retry=False,
        )

    async def role(self, repository: str, login: str) -> str:
        owner, name = repository.split("/", 1)
        try:
            response = await self._gh.rest.repos.async_get_collaborator_permission_level(
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


def may_write(role: str) -> bool:
    """Whether a role may ask for a job: admin, maintain or write."""
    return role in WRITERS


def github_forges(settings: Settings) -> ForgeFactory:
    """A `GitHubForge` per repository (owner/name) with the configured credentials."""
    auth = github_auth(settings)

    def forge(repository: str) -> Forge:
        config = GitHubConfig.model_validate(
            {"repo": repository, "auth": auth, "base_url": settings.github_api_url}
        )
        return GitHubForge(config)

    return forge


def github_permissions(settings: Settings) -> GitHubPermissions:
    """The permission check with the configured credentials."""
    return GitHubPermissions(github_auth(settings), settings.github_api_url)
