"""Run one job, synchronously (a worker calls it in a thread): find or clone its repo in
the workdir, start or resume its run under PostgreSQL checkpoints, deliver its PR.

The workdir holds one folder per job, `<workdir>/<job_id>/repo`. A job redelivered after
its worker died resumes when its run's config is in that folder and its thread has a
checkpoint; workers that should resume each other's jobs therefore share the workdir (a
shared volume) as well as the database. When the folder is missing (another machine's
workdir), the job's checkpoints are dropped and it starts over from a fresh clone, on top
of the branch it may already have pushed: the publish step then updates the branch's one
PR, so nothing is delivered twice.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import git

from agent.config import ALL_GATES, GateName, RunConfig, Settings
from agent.delivery.askpass import NO_HELPER_ARGS, git_auth_env
from agent.delivery.forge import Forge
from agent.delivery.github import GitHubConfig, GitHubForge
from agent.delivery.redact import strip_userinfo
from agent.delivery.select import github_auth, open_forge
from agent.errors import ConfigError, DeliveryError
from agent.jobs.checkpoints import (
    advisory_lock,
    forget,
    has_checkpoint,
    job_lock,
    postgres_checkpointer,
)
from agent.jobs.job import Job
from agent.jobs.progress import Progress
from agent.models.base import ChatModel
from agent.models.factory import ProviderKeys, build_model
from agent.models.ledger import Ledger
from agent.runner import STATE_DIR, RunEdge, RunOutcome, drive, load_run, new_run, open_run_sandbox
from agent.runs.store import RunsStore

log = logging.getLogger(__name__)
AGENT_BRANCHES = "backend-agent/"
JOB_BASE_URL = "enqueue the job (or serve) with --base-url, or set OPENAI_BASE_URL on the worker"
JOB_NEEDS = (
    "a job that opens a pull request or names an issue needs GitHub credentials on the "
    "worker: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (a GitHub App "
    "acts as the job's installation, else GITHUB_APP_INSTALLATION_ID)"
)


@dataclass(frozen=True)
class JobDeps:
    """What every job of one worker shares, built once at the edge."""

    settings: Settings
    keys: ProviderKeys
    gates: tuple[GateName, ...] = ALL_GATES  # for jobs that name none

    @property
    def database_url(self) -> str:
        return self.settings.backend_agent_database_url.get_secret_value()

    @property
    def workdir(self) -> Path:
        return self.settings.backend_agent_workdir


def job_forge(job: Job, deps: JobDeps, repo: Path | None = None) -> Forge | None:
    """The forge of the job's repository (None when the job needs none or names none); a
    GitHub App acts as the job's installation (else GITHUB_APP_INSTALLATION_ID)."""
    if not (job.open_pr or job.issue):
        return None
    settings, installation = deps.settings, job.installation_id
    if job.repository is not None:
        config = GitHubConfig.model_validate(
            {
                "repo": job.repository,
                "auth": github_auth(settings, installation, JOB_NEEDS),
                "base_url": settings.github_api_url,
            }
        )
        return GitHubForge(config)
    return open_forge(settings, repo, None, installation, JOB_NEEDS) if repo else None


def clone(url: str, target: Path, forge: Forge | None) -> None:
    """Clone `url` (credentials, when needed, only through git's askpass), with a local
    branch for each of the remote's `backend-agent/*` branches: a job that starts over,
    or a second job for the same item, continues the branch its PR shows instead of
    pushing a diverging one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    https = url.startswith(("http://", "https://"))
    credentials = forge.git_credentials() if forge is not None and https else None
    with git_auth_env(credentials) as env:
        try:
            git.Git().execute(
                ["git", *NO_HELPER_ARGS, "clone", "--quiet", url, str(target)],
                env=env,  # added to this process's environment
            )
        except git.GitCommandError as exc:
            raise DeliveryError(f"cannot clone {strip_userinfo(url)}: exit {exc.status}") from None
    cloned = git.Repo(target)
    for ref in cloned.remotes.origin.refs:
        if ref.remote_head.startswith(AGENT_BRANCHES):
            cloned.create_head(ref.remote_head, ref)


def prepare(job: Job, deps: JobDeps, forge: Forge | None) -> tuple[RunConfig, bool]:
    """The job's run config, and whether it resumes (True) or starts (False)."""
    folder = deps.workdir / job.job_id
    repo = folder / "repo"
    saved = repo / STATE_DIR / "runs" / job.job_id / "config.json"
    checkpointed = has_checkpoint(deps.database_url, job.job_id)
    if saved.exists() and checkpointed:
        log.info("job %s: resuming from its last checkpoint", job.job_id)
        return load_run(repo, job.job_id), True
    if checkpointed:
        log.warning("job %s: checkpoints but no clone here; starting over", job.job_id)
        forget(deps.database_url, job.job_id)
    shutil.rmtree(folder, ignore_errors=True)
    clone(job.clone_url, repo, forge)
    backlog = folder / "backlog.json"
    backlog.write_text(json.dumps(job.backlog, indent=1))
    config = new_run(
        backlog, repo, run_id=job.job_id, model=job.model, base_url=job.base_url,
        sandbox=deps.settings.backend_agent_sandbox, gates=job.gates or list(deps.gates),
        open_pr=job.open_pr, issue=job.issue, labels=job.labels, base=job.base,
    )  # fmt: skip
    return config, False


class JobBusy(Exception):
    """Another worker is running this job now (it holds the job's lock)."""


class CrashLoop(Exception):
    """The job's workers died running it, `max_attempts` times: it will not get better."""


def check_crashes(job: Job, deps: JobDeps) -> None:
    """Refuse a job whose run record still says running (its worker died: nobody holds
    its lock now) after `max_attempts` starts."""
    store = RunsStore.open(deps.database_url)
    try:
        record = store.get(job.job_id)
    finally:
        store.close()
    limit = deps.settings.backend_agent_max_attempts
    if record and record["status"] == "running" and record["attempts"] >= limit:
        raise CrashLoop(
            f"the worker running job {job.job_id} died {record['attempts']} time(s) "
            f"(last on {record['worker']}); not starting it again"
        )


def run_job(job: Job, deps: JobDeps, stop: threading.Event) -> RunOutcome:
    """Start or resume the job's run to its end (or to `RunStopped` once `stop` is set),
    holding the job's lock (two workers never run one job at once) and its work's lock (two
    jobs for the same items of one repo, which would push one branch, run one after the
    other: the second continues the branch and updates the PR the first opened)."""
    with job_lock(deps.database_url, job.job_id) as mine:
        if not mine:
            raise JobBusy(f"job {job.job_id} is running on another worker")
        with advisory_lock(deps.database_url, job.work_key) as free:
            if not free:
                raise JobBusy(
                    f"job {job.job_id} waits: another job is working on the same items "
                    f"of the same repo ({job.work_key})"
                )
            check_crashes(job, deps)
            return _run(job, deps, stop)


def _run(job: Job, deps: JobDeps, stop: threading.Event) -> RunOutcome:
    forge = job_forge(job, deps)
    config, resume = prepare(job, deps, forge)
    forge = forge or job_forge(job, deps, config.repo)
    progress = Progress(job, forge, config.run_dir / "trajectory.jsonl")
    url = deps.database_url

    def make_model(ledger: Ledger) -> ChatModel:
        base_url = job.base_url or deps.settings.openai_base_url
        return build_model(
            job.model, keys=deps.keys, base_url=base_url, ledger=ledger, base_url_from=JOB_BASE_URL
        )

    edge = RunEdge(
        checkpoints=postgres_checkpointer(url),
        runs=lambda _config: RunsStore.open(url),
        stop=stop,
        observe=progress.observe,
        source=job.source,
        details={"repository": job.repository},
    )
    box = open_run_sandbox(config, deps.settings)
    try:
        return drive(
            config, make_model, box, resume=resume, forge=forge if job.open_pr else None,
            edge=edge,
        )  # fmt: skip
    finally:
        box.close()


def report_failure(job: Job, deps: JobDeps, error: str, attempts: int) -> None:
    """The failure report of a job that used up its attempts: a comment on its issue."""
    try:
        forge = job_forge(job, deps)
    except ConfigError as exc:  # no credentials for its repository: nowhere to report
        log.warning("job %s: no failure comment: %s", job.job_id, exc)
        return
    if forge is None or job.issue is None:
        return
    text = (
        f"backend-agent job `{job.job_id}` failed after {attempts} attempt(s) and was moved "
        f"to the dead-letter queue.\n\n```\n{error[-1500:]}\n```"
    )
    try:
        forge.comment_on_issue(job.issue, text)
    except DeliveryError as exc:
        log.warning("job %s: failure comment refused: %s", job.job_id, exc)
