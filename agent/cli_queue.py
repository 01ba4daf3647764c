"""`backend-agent enqueue`, `worker` and `runs`: the queue's side of the command line.

Exit codes as `run`'s (2: bad input), plus 4 when RabbitMQ or PostgreSQL cannot be
reached or the metrics port is taken; messages never show a URL's password."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from aiormq.exceptions import AMQPConnectionError
from pydantic import TypeAdapter, ValidationError
from rich.console import Console

from agent.backlog import load_backlog
from agent.config import ALL_GATES, GateName, Settings
from agent.errors import BackendAgentError
from agent.jobs.checkpoints import setup_database
from agent.jobs.execute import JobDeps
from agent.jobs.job import Job
from agent.jobs.metrics import WorkerMetrics, serve_metrics
from agent.jobs.queue import JobQueue
from agent.jobs.split import jobs_from_backlog
from agent.jobs.worker import Worker
from agent.models.factory import ProviderKeys, check_base_url
from agent.runner import STATE_DIR
from agent.runs.store import RunsStore
from agent.runs.table import runs_table

console = Console(stderr=True)
QueueOption = Annotated[
    str | None, typer.Option(help="Queue name (default: BACKEND_AGENT_QUEUE, agent.backend).")
]


def _reach(main: Coroutine[Any, Any, None]) -> None:
    """Run `main`; a broker, database or port that fails becomes a message and exit 4."""
    try:
        asyncio.run(main)
    except (OSError, AMQPConnectionError, psycopg.OperationalError) as exc:
        text = re.sub(r"://[^@/\s]+@", "://***@", f"{type(exc).__name__}: {exc}")
        console.print(f"[red]error:[/red] {text}", highlight=False)
        raise typer.Exit(4) from None


def _split(names: str) -> list[str]:
    return [name.strip() for name in names.split(",") if name.strip()]


def _settings(**overrides: Any) -> Settings:
    """The environment's settings, with the command line's choices (validated) on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings.from_environ(**given)


def enqueue(
    backlog: Path,
    repo: Annotated[str, typer.Option("--repo", help="Clone URL (or path) of the service.")],
    model: Annotated[str, typer.Option(help="The jobs' model.")] = "offline",
    base_url: Annotated[
        str | None,
        typer.Option(help="The model API's base URL; default: the worker's OPENAI_BASE_URL."),
    ] = None,
    gates: Annotated[str | None, typer.Option(help="Gates, comma-separated.")] = None,
    issue: Annotated[int | None, typer.Option(help="Issue the PRs close.")] = None,
    repository: Annotated[str | None, typer.Option(help="owner/name on GitHub.")] = None,
    installation_id: Annotated[
        int | None, typer.Option(min=1, help="The GitHub App installation of --repository.")
    ] = None,
    label: Annotated[list[str] | None, typer.Option(help="PR label (repeatable).")] = None,
    base: Annotated[str | None, typer.Option(help="PR base branch.")] = None,
    open_pr: Annotated[bool, typer.Option("--open-pr/--no-pr", help="Open PRs.")] = True,
    queue: QueueOption = None,
) -> None:
    """Put a backlog file's items on the queue: one job per item (items tied by
    depends_on share a job), each with the file's technical constraints."""
    try:
        loaded = load_backlog(backlog)
        check_base_url(base_url)
    except BackendAgentError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None
    local = Path(repo).expanduser()
    fields: dict[str, Any] = {
        "clone_url": str(local.resolve()) if local.exists() else repo,
        "model": model, "base_url": base_url, "issue": issue, "repository": repository,
        "installation_id": installation_id, "labels": label or [],
        "base": base, "open_pr": open_pr, "source": "cli",
        "gates": _split(gates) if gates else None,
    }  # fmt: skip
    jobs = jobs_from_backlog(loaded, **fields)
    settings = _settings(backend_agent_queue=queue)
    _reach(_publish(settings, jobs))
    for job in jobs:
        names = ",".join(i["id"] for i in job.backlog["backlog_items"])
        typer.echo(f"{job.job_id}\t{names}\tpriority {job.priority}")
    console.print(f"{len(jobs)} job(s) on {settings.backend_agent_queue}")


async def _publish(settings: Settings, jobs: list[Job]) -> None:
    url = settings.backend_agent_amqp_url.get_secret_value()
    async with await JobQueue.connect(url, settings.backend_agent_queue) as queue:
        for job in jobs:
            await queue.publish(job)


def worker(
    queue: QueueOption = None,
    workdir: Annotated[Path | None, typer.Option(help="Where jobs' clones live.")] = None,
    metrics_port: Annotated[int | None, typer.Option(help="/health, /metrics; 0: off.")] = None,
    sandbox: Annotated[str | None, typer.Option(help="auto | docker | local")] = None,
    gates: Annotated[
        str, typer.Option(help="Gates of jobs that name none, comma-separated.")
    ] = ",".join(ALL_GATES),
) -> None:
    """Take jobs off the queue, one at a time, and run them into pull requests. Stops
    on SIGTERM after checkpointing the current step (the job is requeued)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("aio_pika", "aiormq", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = _settings(
        backend_agent_queue=queue, backend_agent_workdir=workdir,
        backend_agent_metrics_port=metrics_port, backend_agent_sandbox=sandbox,
    )  # fmt: skip
    try:
        chosen = TypeAdapter(list[GateName]).validate_python(_split(gates))
    except ValidationError:
        raise typer.BadParameter(f"--gates {gates}: choose from {', '.join(ALL_GATES)}") from None
    deps = JobDeps(settings, ProviderKeys.from_environ(os.environ), tuple(chosen))
    _reach(_work(deps))


async def _work(deps: JobDeps) -> None:
    settings = deps.settings
    await asyncio.to_thread(setup_database, deps.database_url)
    queue = await JobQueue.connect(
        settings.backend_agent_amqp_url.get_secret_value(), settings.backend_agent_queue,
        prefetch=1, max_attempts=settings.backend_agent_max_attempts,
    )  # fmt: skip
    metrics = WorkerMetrics()
    port = settings.backend_agent_metrics_port
    server = serve_metrics(metrics, port) if port else None
    worker = Worker(queue, deps, metrics)
    worker.install_signals()
    logging.getLogger(__name__).info(
        "worker on %s (pid %d, workdir %s)", queue.name, os.getpid(), settings.backend_agent_workdir
    )
    try:
        await worker.serve()
    finally:
        await queue.close()
        if server is not None:
            server.shutdown()


def runs(
    database_url: Annotated[
        str | None, typer.Option(help="Workers' database (default: the repo's SQLite).")
    ] = None,
    repo: Annotated[
        str | None, typer.Option(help="The repo (its SQLite), or a filter: path or owner/name.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, latest first.")] = 30,
) -> None:
    """List recorded runs: status, items passed, repairs, attempts, tokens, cost, PR."""
    if database_url is not None:
        store = RunsStore.open(database_url)
        found = store.recent(repo=repo, limit=limit)
    else:
        path = Path(repo or ".").resolve() / STATE_DIR / "runs.sqlite"
        if not path.exists():
            console.print(f"no runs recorded in {path}")
            raise typer.Exit(0)
        store = RunsStore.sqlite(path)
        found = store.recent(limit=limit)
    store.close()
    Console().print(runs_table(found))


def register(app: typer.Typer) -> None:
    """Add `enqueue`, `worker` and `runs` to the `backend-agent` app."""
    app.command()(enqueue)
    app.command()(worker)
    app.command()(runs)
