"""`backend-agent`: the command line. The edge: it reads the environment, builds the
dependencies, and turns errors into messages and exit codes (0 every item passed, 1 a gate
failed or the push was refused, 2 bad input, 3 no sandbox, 4 every gate passed but an item is
incomplete: criteria not proven or rules not implemented)."""

from __future__ import annotations

import logging
import os
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from agent import runner
from agent.backlog import load_backlog
from agent.cli_guard import GuardedGroup
from agent.cli_import import import_openapi
from agent.cli_progress import PROGRESS_HELP, ProgressMode, progress_view
from agent.cli_queue import register as register_queue_commands
from agent.cli_sandbox import sandbox_app
from agent.cli_serve import register as register_serve
from agent.cli_show import register as register_show
from agent.config import ALL_GATES, RunConfig, Settings
from agent.delivery.forge import Forge
from agent.delivery.select import check_remote, open_forge
from agent.errors import BackendAgentError
from agent.models.base import ChatModel
from agent.models.factory import ProviderKeys, build_model, check_base_url
from agent.models.ledger import Ledger
from agent.summary import print_summary

app = typer.Typer(
    help="Backlog in, verified FastAPI + PostgreSQL + Redis service out.",
    no_args_is_help=True,
    cls=GuardedGroup,
)
app.add_typer(sandbox_app, name="sandbox")
app.command(name="import-openapi")(import_openapi)
register_queue_commands(app)
register_serve(app)
register_show(app)
console = Console(stderr=True)

RepoOption = Annotated[
    Path, typer.Option("--repo", help="The service's git repo (created if missing).")
]
MODEL_HELP = "offline | anthropic:M | openai:M | openai-compatible:M | scripted:FILE"
BASE_URL_HELP = "The model API's base URL (an OpenAI-compatible server); default: OPENAI_BASE_URL."
BASE_URL_FROM = "pass --base-url URL or set OPENAI_BASE_URL"
BaseUrlOption = Annotated[str | None, typer.Option("--base-url", help=BASE_URL_HELP)]
ProgressOption = Annotated[ProgressMode, typer.Option("--progress", help=PROGRESS_HELP)]


@app.callback()
def _options(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, print its traceback too.")
    ] = False,
) -> None:
    ctx.meta["debug"] = debug


def _fail(exc: BackendAgentError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    return typer.Exit(exc.exit_code)


def _model(spec: str, base_url: str | None, record: Path | None) -> runner.ModelFactory:
    """Check the model string, its key and base URL at once (before anything runs); the
    model is built later, around the run's ledger."""
    keys = ProviderKeys.from_environ(os.environ)
    build_model(spec, keys=keys, base_url=base_url, base_url_from=BASE_URL_FROM)

    def make(ledger: Ledger) -> ChatModel:
        return build_model(spec, keys=keys, base_url=base_url, record_to=record, ledger=ledger)

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
    base_url: BaseUrlOption = None,
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
    open_pr: Annotated[
        bool, typer.Option("--open-pr/--no-pr", help="Push the branch, open or update its PR.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the PR it would open; push nothing.")
    ] = False,
    remote: Annotated[str | None, typer.Option(help="Push here, not to origin.")] = None,
    label: Annotated[list[str] | None, typer.Option(help="PR label (repeatable).")] = None,
    base: Annotated[str | None, typer.Option(help="PR base; default: current branch.")] = None,
    issue: Annotated[int | None, typer.Option(help="Issue the PR closes.")] = None,
    min_coverage: Annotated[
        float, typer.Option(help="Line coverage target %; below it the tests gate warns.")
    ] = 90.0,
    p95_ms: Annotated[float, typer.Option(help="Load gate SLA: p95 per endpoint, in ms.")] = 200.0,
    progress: ProgressOption = "auto",
) -> None:
    """Run a backlog into the repo: plan, scaffold, implement, verify, repair, commit, report,
    and with --open-pr push the branch and open (or update) its pull request."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings.from_environ()
    choices: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
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
        "open_pr": open_pr or dry_run,
        "dry_run": dry_run,
        "remote": remote,
        "labels": label or [],
        "base": base,
        "issue": issue,
        "min_coverage": min_coverage,
        "p95_ms": p95_ms,
    }
    try:
        check_base_url(base_url)
        make_model = _model(model, base_url or settings.openai_base_url, record)
        forge = _forge(settings, repo, remote, open_pr=open_pr, dry_run=dry_run)
        config = runner.new_run(backlog, repo, **choices)
        console.print(
            f"run [bold]{config.run_id}[/bold] on {config.repo} (branch {config.branch})",
            highlight=False,
        )
        outcome = _drive(config, make_model, settings, forge, resume=False, progress=progress)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    _finish(config, outcome, progress)


@app.command()
def resume(
    run_id: str, repo: RepoOption, base_url: BaseUrlOption = None, progress: ProgressOption = "auto"
) -> None:
    """Continue a run that stopped (killed, crashed), from its last checkpoint; the model
    is called at --base-url, else the run's own, else OPENAI_BASE_URL."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    settings = Settings.from_environ()
    try:
        check_base_url(base_url)
        config = runner.load_run(repo, run_id)
        url = base_url or config.base_url or settings.openai_base_url
        make_model = _model(config.model, url, None)
        forge = _forge(
            settings, config.repo, config.remote, open_pr=config.open_pr, dry_run=config.dry_run
        )
        outcome = _drive(config, make_model, settings, forge, resume=True, progress=progress)
    except BackendAgentError as exc:
        raise _fail(exc) from None
    _finish(config, outcome, progress)


def _forge(
    settings: Settings, repo: Path, remote: str | None, *, open_pr: bool, dry_run: bool
) -> Forge | None:
    """The forge of a run that will open a pull request (checked before anything runs)."""
    if remote is not None:
        check_remote(remote)
    return open_forge(settings, repo, remote) if open_pr and not dry_run else None


def _finish(config: RunConfig, outcome: runner.RunOutcome, progress: ProgressMode) -> None:
    """The summary; the PR (or, on a dry run, the PR it would open, on stdout, unless stdout
    carries the JSON events: then on stderr); exit code."""
    print_summary(console, outcome)
    delivery = outcome.report.delivery
    if config.dry_run:
        typer.echo((config.run_dir / "pull_request.md").read_text(), err=progress == "json")
    elif delivery is not None and delivery.pull_request is not None:
        pr = delivery.pull_request
        state = "draft" if pr.draft else "ready for review"
        console.print(f"pull request #{pr.number} ({state}): {pr.url}", highlight=False)
    raise typer.Exit(outcome.exit_code)


def _drive(
    config: RunConfig,
    make_model: runner.ModelFactory,
    settings: Settings,
    forge: Forge | None,
    resume: bool,
    progress: ProgressMode,
) -> runner.RunOutcome:
    box = runner.open_run_sandbox(config, settings)
    if box.name == "local":
        console.print(
            "[yellow]warning:[/yellow] --sandbox local runs generated code on this "
            "machine, unisolated"
        )
    try:
        with progress_view(progress, console) as view:
            edge = runner.RunEdge(observe=view)
            return runner.drive(config, make_model, box, resume=resume, forge=forge, edge=edge)
    finally:
        box.close()


def add_plugins() -> None:
    """Sub-commands other packages register under the `backend_agent.commands` entry
    points (`eval`, from evals): agent never imports them, they import agent."""
    for entry in entry_points(group="backend_agent.commands"):
        app.add_typer(entry.load(), name=entry.name)


def main() -> None:
    add_plugins()
    app()


if __name__ == "__main__":
    main()
