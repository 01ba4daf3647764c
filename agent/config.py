"""Configuration: secrets and endpoints from the environment, and one run's choices.

`Settings` is read once, at the edge (CLI, worker, eval runner); nothing below it reads
`os.environ`. `RunConfig` is what a run was asked to do; it is saved beside the run so
`resume` rebuilds the same run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.errors import ConfigError

GateName = Literal["lint", "tests", "migrations", "package", "contract", "security", "load"]
ALL_GATES: tuple[GateName, ...] = (
    "lint",
    "tests",
    "migrations",
    "package",
    "contract",
    "security",
    "load",
)


class Settings(BaseSettings):
    """The environment backend-agent runs in. Secrets are `SecretStr` and never logged."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    anthropic_api_key: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    openai_compatible_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    github_token: SecretStr | None = None
    # A GitHub App instead of a token: id, PEM key (or a file holding it), installation.
    github_app_id: str | None = None
    github_app_private_key: SecretStr | None = None
    github_app_private_key_path: Path | None = None
    github_app_installation_id: int | None = None
    # REST root: GitHub Enterprise Server is https://HOST/api/v3.
    github_api_url: str = "https://api.github.com"
    # owner/name, when the push remote's URL does not say it (a local path, a mirror).
    github_repository: str | None = None
    docker_host: str = Field("unix:///var/run/docker.sock", alias="DOCKER_HOST")
    backend_agent_cache: Path = Field(
        Path.home() / ".cache" / "backend-agent", alias="BACKEND_AGENT_CACHE"
    )
    # Where the local sandbox finds PostgreSQL and Redis (the Docker sandbox runs its own).
    backend_agent_postgres_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    backend_agent_redis_url: str = "redis://127.0.0.1:6379/0"
    # The queue and its workers (`backend-agent enqueue`, `worker`, `runs`). Both URLs may
    # hold a password: SecretStr, never logged. Workers resuming each other's jobs must share
    # the database (checkpoints, run records) and the workdir (the jobs' clones).
    backend_agent_amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    backend_agent_queue: str = "agent.backend"
    backend_agent_database_url: SecretStr = SecretStr(
        "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    backend_agent_workdir: Path = Path.home() / ".cache" / "backend-agent" / "jobs"
    backend_agent_metrics_port: int = 9464  # the worker's /health and /metrics; 0: none
    backend_agent_max_attempts: int = Field(3, ge=1)  # failed runs of a job before dead letters
    backend_agent_sandbox: Literal["auto", "docker", "local"] = "auto"  # the worker's sandbox
    # The webhook service (`backend-agent serve`). With no secret it refuses every delivery.
    github_webhook_secret: SecretStr | None = None
    backend_agent_label: str = "agent:backend"  # the issue label that asks for a job
    # Where a job's worker clones the issue's repository from; `{repository}` is owner/name.
    backend_agent_clone_url_template: str = "https://github.com/{repository}.git"
    # Redis that remembers delivery ids (shared by replicas), and for how long (GitHub
    # lets a delivery be redelivered for 3 days).
    backend_agent_webhook_redis_url: str = "redis://127.0.0.1:6379/0"
    backend_agent_webhook_dedup_ttl_s: int = 3 * 24 * 3600

    @classmethod
    def from_environ(cls, **given: Any) -> Settings:
        """The environment's settings (with `given` on top); a value that does not fit is a
        ConfigError naming the variable, not a traceback."""
        try:
            return cls(**given)
        except ValidationError as exc:
            lines = []
            for error in exc.errors():
                name = str(error["loc"][0]).upper() if error["loc"] else "settings"
                lines.append(f"{name}: {error['msg']} (got {str(error.get('input'))[:60]!r})")
            raise ConfigError("; ".join(lines)) from None


class RunConfig(BaseModel):
    """One run's choices. Saved as `.backend-agent/runs/<id>/config.json`."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    backlog: Path  # the run's own copy of the backlog
    repo: Path
    model: str = "offline"
    # The model API's root given with --base-url (no credentials in it); None: the
    # environment's OPENAI_BASE_URL. Kept so `resume` calls the same server.
    base_url: str | None = None
    sandbox: Literal["auto", "docker", "local"] = "auto"
    gates: list[GateName] = Field(default_factory=lambda: list(ALL_GATES))
    max_repairs: int = Field(5, ge=0)
    max_turns: int = Field(40, ge=1)  # model replies per implement or repair session
    time_limit_min: float | None = Field(None, gt=0)  # wall clock of the whole run
    budget_run_tokens: int | None = None
    budget_run_usd: float | None = None
    budget_item_tokens: int | None = None
    budget_item_usd: float | None = None
    prices: Path | None = None  # a price table overriding the shipped one
    command_timeout_s: float = Field(600, gt=0)
    # Line coverage (%) the tests gate compares with (the seed's target). Below it is a
    # WARNING in the gate's summary and the report, not a failure: criteria decide an item.
    min_coverage: float = Field(90.0, ge=0, le=100)
    p95_ms: float = Field(200.0, gt=0)  # the load gate's SLA: any endpoint's p95 above it fails
    branch: str | None = None  # default: backend-agent/<item> or backend-agent/run-<id>
    author_name: str = "backend-agent"
    author_email: str = "backend-agent@users.noreply.localhost"
    # Delivery: by default everything stays local (commits on `branch`, nothing pushed).
    open_pr: bool = False  # push `branch` and open (or update) its pull request
    dry_run: bool = False  # print the pull request it would open; push nothing
    remote: str | None = None  # push here instead of the repo's `origin` (never with credentials)
    base: str | None = None  # the PR's base; default: the branch checked out before the run
    labels: list[str] = Field(default_factory=list)
    issue: int | None = Field(None, ge=1)  # the issue the run came from: the PR closes it

    @property
    def run_dir(self) -> Path:
        return self.repo / ".backend-agent" / "runs" / self.run_id
