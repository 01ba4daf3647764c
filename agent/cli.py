"""`backend-agent`: the command line. The edge: it reads the environment, builds the
dependencies, and turns errors into messages and exit codes (0 ok, 1 a gate failed,
2 bad input, 3 no sandbox)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from agent import runner
from agent.backlog import load_backlog
from agent.cli_sandbox import sandbox_app
from agent.config import ALL_GATES, RunConfig, Settings
from agent.errors import BackendAgentError
from agent.models.base import ChatModel
from agent.models.factory import ProviderKeys, build_model
from agent.models.ledger import Ledger
from agent.summary import print_summary

app = typer.Typer(
    help="Backlog in, verified FastAPI + PostgreSQL + Redis service out.", no_args_is_help=True
)
app.add_typer(sandbox_app, name="sandbox")
console = Console(stderr=True)

RepoOption = Annotated[
    Path, typer.Option("--repo", help="The service's git repo (created if missing).")
]
MODEL_HELP = "offline | anthropic:M | openai:M | openai-compatible:M | scripted:FILE"


def _fail(exc: BackendAgentError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    return typer.Exit(exc.exit_code)


def _notify(node: str, message: str) -> None:
    console.print(f"[cyan]{node:>12}[/cyan] {message}", highlight=False)


def _model(spec: str, settings: Settings, record: Path | None) -> runner.ModelFactory:
    """Check the model string and its key at once (before anything runs); the model is
    built later, around the run's ledger."""
    keys = ProviderKeys.from_environ(os.environ)
    build_model(spec, keys=keys, base_url=settings.openai_base_url)

    def make(ledger: Ledger) -> ChatModel:
        return build_model(
            spec, keys=keys, base_url=settings.openai_base_url, record_to=record, ledger=ledger
        )

    return make


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
    model: Annotated[str, typer.Option(help=MODEL_HELP)] = "offline",
    sandbox: Annotated[str, typer.Option(help="auto (Docker) | docker | local (unisolated)")] = (
        "auto"
    ),
    gates: Annotated[str, typer.Option(help="Gates to run, comma-separated.")] = ",".join(
        ALL_GATES
    ),
    max_repairs: Annotated[int, typer.Option(help="Repair rounds per item.")] = 5,
    max_turns: Annotated[int, typer.Option(help="Model replies per session.")] = 40,
    time_limit_min: Annotated[float | None, typer.Option(help="Wall clock of the run.")] = None,
    budget_run_usd: Annotated[float | None, typer.Option(help="Cost budget, whole run.")] = None,
    budget_item_usd: Annotated[float | None, typer.Option(help="Cost budget per item.")] = None,
    budget_run_tokens: Annotated[int | None, typer.Option(help="Token budget, run.")] = None,
    budget_item_tokens: Annotated[int | None, typer.Option(help="Token budget, item.")] = None,
    prices: Annotated[Path | None, typer.Option(help="A price table overriding ours.")] = None,
    branch: Annotated[str | None, typer.Option(help="Branch to commit on.")] = None,
    record: Annotated[Path | None, typer.Option(help="Record the model's replies here.")] = None,
) -> None:
    """Run a backlog into the repo: plan, scaffold, implement, verify, repair, commit, report."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings()  # type: ignore[call-arg]  # read from the environment
    choices: dict[str, Any] = {
        "model": model,
        "sandbox": sandbox,
        "max_repairs": max_repairs,
        "max_turns": max_turns,
        "gates": [g.strip() for g in gates.split(",") if g.strip()],
        "time_limit_min": time_limit_min,
        "budget_run_usd": budget_run_usd,
        "budget_item_usd": budget_item_usd,
        "budget_run_tokens": budget_run_tokens,
        "budget_item_tokens": budget_item_tokens,
        "prices": prices,
        "branch": branch,
    }
    try:
        make_model = _model(model, settings, record)
        config = runner.new_run(backlog, repo, **choices)
        console.print(
            f"run [bold]{config.run_id}[/bold] on {config.repo} (branch {config.branch})",
            highlight=False,
        )
        outcome = _drive(config, make_model, settings, resume=False)
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
        outcome = _drive(config, _model(config.model, settings, None), settings, resume=True)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    print_summary(console, outcome)
    raise typer.Exit(0 if outcome.passed else 1)


def _drive(
    config: RunConfig, make_model: runner.ModelFactory, settings: Settings, resume: bool
) -> runner.RunOutcome:
    box = runner.open_run_sandbox(config, settings)
    if box.name == "local":
        console.print(
            "[yellow]warning:[/yellow] --sandbox local runs generated code on this "
            "machine, unisolated"
        )
    try:
        return runner.drive(config, make_model, box, resume=resume, notify=_notify)
    finally:
        box.close()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
