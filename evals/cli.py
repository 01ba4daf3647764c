"""`backend-agent eval`: the eval harness's commands. The edge of evals: it reads the
environment, builds the sandbox opener, and turns errors into messages and exit codes.

    backend-agent eval SUITE --model M --runs N --workers K   (the `run` command)
    backend-agent eval validate SUITE
    backend-agent eval compare A B
    backend-agent eval report RESULTS... --out DIR

Registered into `backend-agent` through the `backend_agent.commands` entry point, so the
agent never imports evals (evals depends on agent, not the other way).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperGroup

from agent.config import Settings
from agent.errors import BackendAgentError
from agent.models.factory import check_base_url, need_base_url
from evals.agent_run import AgentChoices
from evals.commands import compare_sets, eval_suite, report_sets, validate

DEFAULT_GATES = "lint,tests,migrations,contract"
BASE_URL_FROM = "pass --base-url URL or set OPENAI_BASE_URL"


class _RunByDefault(TyperGroup):
    """`eval SUITE ...` means `eval run SUITE ...`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]  # typer's vendored click
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_RunByDefault,
    help="Evals: tasks graded by hidden tests the agent never saw.",
    no_args_is_help=True,
)
console = Console(stderr=True)


def _fail(exc: BackendAgentError) -> typer.Exit:
    console.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(exc.exit_code)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(text).name if "/" in text else text)[:60]


@eval_app.command("run")
def run(
    suite: Path,
    model: Annotated[str, typer.Option(help="As `run --model`; {task} -> task id.")] = "offline",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="As `run --base-url` (OPENAI_BASE_URL).")
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs of every task.")] = 1,
    workers: Annotated[int, typer.Option(min=1, help="Task-runs at a time.")] = 2,
    out: Annotated[Path | None, typer.Option(help="Default: eval-out/SUITE-MODEL.")] = None,
    redo: Annotated[bool, typer.Option(help="Run finished task-runs again.")] = False,
    tasks: Annotated[str | None, typer.Option(help="Only these task ids (a,b).")] = None,
    gates: Annotated[str, typer.Option(help="The agent's verify gates.")] = DEFAULT_GATES,
    sandbox: Annotated[str, typer.Option(help="auto | docker | local")] = "auto",
    max_repairs: Annotated[int, typer.Option(help="Repair rounds per item.")] = 3,
    prices: Annotated[Path | None, typer.Option(help="Price table override.")] = None,
    task_timeout_min: Annotated[float, typer.Option(help="Per task-run limit.")] = 30.0,
) -> None:
    """Run every task of SUITE (x runs) on a fresh repo, grade it with its hidden tests."""
    target = out or Path("eval-out") / f"{_slug(str(suite))}-{_slug(model)}"
    settings = Settings.from_environ()
    try:
        check_base_url(base_url)
        need_base_url(model, base_url or settings.openai_base_url, BASE_URL_FROM)
        choices = AgentChoices(
            model=model,
            base_url=base_url,
            gates=[g.strip() for g in gates.split(",") if g.strip()],
            sandbox=sandbox,
            max_repairs=max_repairs,
            prices=prices.resolve() if prices else None,
            timeout_s=task_timeout_min * 60,
            env=dict(os.environ),
        )
        results = eval_suite(
            settings,
            suite,
            target,
            choices=choices,
            runs=runs,
            workers=workers,
            redo=redo,
            only=tasks,
            console=console,
        )
    except BackendAgentError as exc:
        raise _fail(exc) from None
    broken = [r for r in results.records if r.harness_error]
    raise typer.Exit(1 if broken else 0)


@eval_app.command("validate")
def validate_cmd(
    suite: Path,
    repeat: Annotated[int, typer.Option(min=1, help="Gradings of each tree.")] = 2,
    workers: Annotated[int, typer.Option(min=1, help="Tasks at a time.")] = 2,
    out: Annotated[Path | None, typer.Option(help="Work folder.")] = None,
    tasks: Annotated[str | None, typer.Option(help="Only these task ids (a,b).")] = None,
    sandbox: Annotated[str, typer.Option(help="auto | docker | local")] = "auto",
) -> None:
    """Check every task: hidden tests fail on the starter, pass on the reference, stable."""
    target = out or Path("eval-out") / f"validate-{_slug(str(suite))}"
    try:
        checks = validate(
            Settings.from_environ(),
            suite,
            target,
            repeat=repeat,
            workers=workers,
            only=tasks,
            sandbox=sandbox,
            console=console,
        )
    except BackendAgentError as exc:
        raise _fail(exc) from None
    raise typer.Exit(0 if all(c.ok for c in checks) else 1)


@eval_app.command("compare")
def compare(
    a: Path,
    b: Path,
    out: Annotated[Path | None, typer.Option(help="Write compare.md, report.html here.")] = None,
) -> None:
    """Two result sets (out folders or results.json files) side by side."""
    try:
        compare_sets(a, b, out, console)
    except BackendAgentError as exc:
        raise _fail(exc) from None


@eval_app.command("report")
def report(
    results: Annotated[list[Path], typer.Argument(help="Out folders or results.json files.")],
    out: Annotated[Path, typer.Option(help="Where summary.md and report.html go.")],
) -> None:
    """(Re)write the Markdown summary and the HTML page of one or more result sets."""
    try:
        report_sets(results, out, console)
    except BackendAgentError as exc:
        raise _fail(exc) from None
