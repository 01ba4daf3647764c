"""`backend-agent`: the command line. The edge: it reads the environment, builds the
dependencies, and turns errors into messages and exit codes (0 ok, 1 a gate failed,
2 bad input, 3 no sandbox)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from agent import runner
from agent.backlog import load_backlog
from agent.cli_sandbox import sandbox_app
from agent.config import ALL_GATES, RunConfig, Settings
from agent.errors import BackendAgentError, ConfigError
from agent.models.factory import ProviderKeys, build_model
from agent.summary import print_summary

app = typer.Typer(
    help="Backlog in, verified FastAPI + PostgreSQL + Redis service out.", no_args_is_help=True
)
app.add_typer(sandbox_app, name="sandbox")
console = Console(stderr=True)

SandboxKind = Literal["auto", "docker", "local"]
RepoOption = Annotated[
    Path, typer.Option("--repo", help="The service's git repo (created if missing).")
]


def _fail(exc: BackendAgentError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    return typer.Exit(exc.exit_code)


def _notify(node: str, message: str) -> None:
    console.print(f"[cyan]{node:>12}[/cyan] {message}", highlight=False)


def _model(spec: str, settings: Settings, record: Path | None) -> object:
    if spec != "offline":
        raise ConfigError(
            f"--model {spec}: the implement/repair loop does not drive models "
            "yet; only --model offline runs today"
        )
    return build_model(
        spec,
        keys=ProviderKeys.from_environ(os.environ),
        base_url=settings.openai_base_url,
        record_to=record,
    )


@app.command()
def validate(backlog: Path) -> None:
    """Check a backlog file against the Input Schema; print every problem with its path."""
    try:
        loaded = load_backlog(backlog)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    console.print(f"ok: {len(loaded.backlog_items)} item(s)")


@app.command()
def run(
    backlog: Path,
    repo: RepoOption,
    model: Annotated[
        str,
        typer.Option(help="offline | anthropic:M | openai:M | openai-compatible:M | scripted:FILE"),
    ] = "offline",
    sandbox: Annotated[
        str, typer.Option(help="auto (Docker) | docker | local (unisolated)")
    ] = "auto",
    gates: Annotated[str, typer.Option(help="Comma-separated gates to run.")] = ",".join(ALL_GATES),
    max_repairs: Annotated[int, typer.Option(help="Repair rounds per item.")] = 5,
    branch: Annotated[str | None, typer.Option(help="Branch to commit on.")] = None,
    record: Annotated[Path | None, typer.Option(help="Record the model's replies here.")] = None,
) -> None:
    """Run a backlog into the repo: plan, scaffold, implement, verify, repair, commit, report."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings()  # type: ignore[call-arg]  # read from the environment
    try:
        chat = _model(model, settings, record)
        config = runner.new_run(
            backlog,
            repo,
            model=model,
            sandbox=sandbox,
            gates=[g.strip() for g in gates.split(",") if g.strip()],
            max_repairs=max_repairs,
            branch=branch,
        )
        console.print(
            f"run [bold]{config.run_id}[/bold] on {config.repo} (branch {config.branch})",
            highlight=False,
        )
        outcome = _drive(config, chat, settings, resume=False)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    print_summary(console, outcome)
    raise typer.Exit(0 if outcome.passed else 1)


@app.command()
def resume(run_id: str, repo: RepoOption) -> None:
    """Continue a run that stopped (killed, crashed), from its last checkpoint."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings()  # type: ignore[call-arg]  # read from the environment
    try:
        config = runner.load_run(repo, run_id)
        chat = _model(config.model, settings, None)
        outcome = _drive(config, chat, settings, resume=True)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    print_summary(console, outcome)
    raise typer.Exit(0 if outcome.passed else 1)


def _drive(config: RunConfig, chat: object, settings: Settings, resume: bool) -> runner.RunOutcome:
    box = runner.open_run_sandbox(config, settings)
    if box.name == "local":
        console.print(
            "[yellow]warning:[/yellow] --sandbox local runs generated code on this "
            "machine, unisolated"
        )
    try:
        return runner.drive(config, chat, box, resume=resume, notify=_notify)  # type: ignore[arg-type]
    finally:
        box.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
