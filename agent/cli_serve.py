"""`backend-agent serve` (the GitHub webhook service) and `backend-agent issue-to-backlog`
(the same issue parser, for the GitHub Actions workflow that runs without a server)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import structlog
import typer
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from rich.console import Console

from agent.config import Settings
from agent.errors import BackendAgentError, BacklogError
from agent.issues import Issue, issue_backlog
from agent.jobs.job import Job
from agent.jobs.queue import JobQueue
from agent.models.factory import check_base_url, parse_spec
from agent.webhook import RedisDeduplicator, create_app
from agent.webhook.answers import problems_comment
from agent.webhook.events import Ignored, MalformedEvent, triage

console = Console(stderr=True)
BASE_URL_HELP = (
    "The model API's base URL (an OpenAI-compatible server) the jobs' runs call; default: "
    "the worker's OPENAI_BASE_URL."
)
MODEL_HELP = (
    "The model the jobs run with (the worker needs its key). With one, an issue in free "
    "text becomes an item whose endpoints the run plans; offline needs them written out."
)


class QueueLink:
    """The `Publisher` of the service: a `JobQueue` connected while the app runs."""

    def __init__(self, amqp_url: SecretStr, queue: str) -> None:
        self._url, self._name = amqp_url, queue
        self._queue: JobQueue | None = None

    async def publish(self, job: Job) -> None:
        if self._queue is None:
            raise RuntimeError("the queue is not connected (the app is not running)")
        await self._queue.publish(job)

    @asynccontextmanager
    async def connected(self) -> AsyncIterator[None]:
        self._queue = await JobQueue.connect(self._url.get_secret_value(), self._name)
        try:
            yield
        finally:
            await self._queue.close()
            self._queue = None


def _json_logs() -> None:
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ]
    )


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    model: Annotated[str, typer.Option(help=MODEL_HELP)] = "offline",
    base_url: Annotated[str | None, typer.Option("--base-url", help=BASE_URL_HELP)] = None,
) -> None:
    """Receive GitHub webhooks at POST /webhooks/github; a labelled issue becomes a job on
    the queue (BACKEND_AGENT_AMQP_URL, BACKEND_AGENT_QUEUE). Also /health and /metrics."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per GitHub call is noise
    _json_logs()
    settings = Settings.from_environ()
    try:
        parse_spec(model)
        check_base_url(base_url)
        dedup = RedisDeduplicator(
            settings.backend_agent_webhook_redis_url, settings.backend_agent_webhook_dedup_ttl_s
        )
        link = QueueLink(settings.backend_agent_amqp_url, settings.backend_agent_queue)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with link.connected():
                try:
                    yield
                finally:
                    await dedup.aclose()

        app = create_app(
            settings, link, model=model, base_url=base_url, dedup=dedup, lifespan=lifespan
        )
    except BackendAgentError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    if settings.github_webhook_secret is None:
        console.print(
            "[yellow]warning:[/yellow] GITHUB_WEBHOOK_SECRET is not set: "
            "every delivery is refused (503)"
        )
    uvicorn.run(app, host=host, port=port, log_level="info")


def issue_to_backlog(
    event: Annotated[Path, typer.Option(help="The `issues` event payload ($GITHUB_EVENT_PATH).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Write the backlog here.")],
    model: Annotated[str, typer.Option(help=MODEL_HELP)] = "offline",
    problems: Annotated[
        Path | None, typer.Option(help="On an invalid issue, write the comment listing why.")
    ] = None,
) -> None:
    """Turn a labelled issue's event into a backlog file (exit 2 with every problem when it
    is not a valid item; exit 1 when the event is not one to act on)."""
    settings = Settings.from_environ()
    try:
        payload = json.loads(event.read_text())
        triaged = triage("issues", payload, settings.backend_agent_label)
    except (OSError, ValueError, MalformedEvent) as exc:
        console.print(f"[red]error:[/red] cannot read the event {event}: {exc}", highlight=False)
        raise typer.Exit(2) from None
    if isinstance(triaged, Ignored):
        console.print(f"nothing to do: {triaged.reason}", highlight=False)
        raise typer.Exit(1)
    issue = Issue(triaged.issue.number, triaged.issue.title, triaged.issue.body or "")
    try:
        backlog = issue_backlog(issue, planning=parse_spec(model)[0] != "offline")
    except BacklogError as exc:
        if problems is not None:
            problems.write_text(problems_comment(exc.problems))
        console.print("[red]error:[/red] " + "\n".join(exc.problems), highlight=False)
        raise typer.Exit(2) from None
    except BackendAgentError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    output.write_text(json.dumps(backlog, indent=1) + "\n")
    console.print(f"ok: {output} ({len(backlog['backlog_items'])} item(s))", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `serve` and `issue-to-backlog` to the CLI."""
    app.command()(serve)
    app.command("issue-to-backlog")(issue_to_backlog)
