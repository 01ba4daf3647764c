"""Choose the forge of a run at the edge, from `Settings` and the push remote.

The forge is GitHub (github.com, or Enterprise through `GITHUB_API_URL`). Its repository
is read from the push remote's URL (`--remote`, else the repo's `origin`); a remote that
does not name one (a local path, a mirror) needs `GITHUB_REPOSITORY=owner/name`.
Credentials: a GitHub App when `GITHUB_APP_ID` is set (with its private key, and the
installation a call names or else `GITHUB_APP_INSTALLATION_ID`), else `GITHUB_TOKEN`.
Every refusal is a `ConfigError` raised before the run starts, and no message carries a
secret.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import git
from pydantic import SecretStr, ValidationError

from agent.config import Settings
from agent.delivery.github import (
    GitHubApp,
    GitHubAuth,
    GitHubConfig,
    GitHubCredentials,
    GitHubForge,
    GitHubTokenAuth,
)
from agent.delivery.redact import strip_userinfo
from agent.delivery.remotes import repo_slug
from agent.errors import ConfigError

# What a command without GitHub credentials is told: what needs them and what to set, in
# the flags that command has (`run`: --open-pr, --dry-run; `serve` and `worker`: none).
OPEN_PR_NEEDS = (
    "--open-pr needs GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID, "
    "GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID (or use --dry-run)"
)


def check_remote(url: str) -> str:
    """`url`, refused when it carries credentials (they would be saved with the run)."""
    parts = urlsplit(url)
    https = parts.scheme in ("http", "https")
    if parts.password or (https and parts.username):
        raise ConfigError(
            f"--remote {strip_userinfo(url)}: put no credentials in the URL; "
            "set GITHUB_TOKEN (or a GitHub App) instead"
        )
    return url


def remote_url(repo: Path, remote: str | None) -> str | None:
    """Where the branch will be pushed: `remote` (a URL or a remote's name), else `origin`."""
    try:
        remotes = {r.name: r.url for r in git.Repo(repo).remotes}
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        remotes = {}
    if remote is not None:
        return remotes.get(remote, remote)
    return remotes.get("origin")


def github_credentials(settings: Settings, missing: str = OPEN_PR_NEEDS) -> GitHubCredentials:
    """The App when `GITHUB_APP_ID` is set (its key is required; its installation is chosen
    per call), else the token; ConfigError(`missing`) when neither is set."""
    if settings.github_app_id:
        key = settings.github_app_private_key
        if key is None and settings.github_app_private_key_path is not None:
            key = SecretStr(settings.github_app_private_key_path.read_text())
        if key is None:
            missing = "GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_PATH)"
            raise ConfigError(f"GITHUB_APP_ID is set but not {missing}")
        pem = key.get_secret_value().replace("\\n", "\n")  # one-line env form
        return GitHubApp(
            app_id=settings.github_app_id,
            private_key=SecretStr(pem),
            default_installation=settings.github_app_installation_id,
        )
    if settings.github_token is not None:
        return GitHubTokenAuth(token=settings.github_token)
    raise ConfigError(missing)


def installation_auth(
    credentials: GitHubCredentials, installation_id: int | None, missing: str
) -> GitHubAuth:
    """The token, or the App as `installation_id` (else its default installation);
    ConfigError(`missing`) when an App has neither."""
    if isinstance(credentials, GitHubTokenAuth):
        return credentials
    auth = credentials.installation(installation_id)
    if auth is None:
        raise ConfigError(missing)
    return auth


def github_auth(
    settings: Settings, installation_id: int | None = None, missing: str = OPEN_PR_NEEDS
) -> GitHubAuth:
    """The token, or the App as `installation_id` (else GITHUB_APP_INSTALLATION_ID);
    ConfigError when the credentials are incomplete (`missing` when there are none) or an
    App has no installation."""
    no_installation = "GITHUB_APP_ID is set but not GITHUB_APP_INSTALLATION_ID"
    credentials = github_credentials(settings, missing)
    return installation_auth(credentials, installation_id, no_installation)


def open_forge(
    settings: Settings,
    repo: Path,
    remote: str | None,
    installation_id: int | None = None,
    missing: str = OPEN_PR_NEEDS,
) -> GitHubForge:
    """The forge for pull requests of the repo at `repo`, pushed to `remote` (or origin);
    a GitHub App acts as `installation_id` (else GITHUB_APP_INSTALLATION_ID); `missing`
    is the message when there are no credentials."""
    url = remote_url(repo, remote)
    if url is None:
        raise ConfigError(f"--open-pr: {repo} has no `origin` remote; pass --remote URL")
    slug = repo_slug(url) or settings.github_repository
    if slug is None:
        raise ConfigError(
            f"--open-pr: the remote {strip_userinfo(url)} does not name a GitHub "
            "repository; set GITHUB_REPOSITORY=owner/name"
        )
    auth = github_auth(settings, installation_id, missing)
    try:
        config = GitHubConfig.model_validate(
            {"repo": slug, "auth": auth, "base_url": settings.github_api_url}
        )
    except ValidationError:
        raise ConfigError(f"--open-pr: {slug!r} is not a GitHub owner/name") from None
    return GitHubForge(config)
