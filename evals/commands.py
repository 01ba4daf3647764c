"""What the `eval` commands do, below the typer layer: load the suite, build the sandbox
opener from the settings, run, print progress and tables, write the reports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal, cast

from rich.console import Console
from rich.table import Table

from agent.config import Settings
from agent.errors import ConfigError, SandboxUnavailable
from evals.agent_run import AgentChoices
from evals.grading import SandboxOpener
from evals.harness import EvalPlan, run_eval
from evals.metrics import overall, per_task
from evals.records import ResultSet, TaskRunRecord, load_results
from evals.reports.files import write_reports
from evals.reports.html import page
from evals.reports.markdown import COLUMNS, cell, compare
from evals.tasks import Task, load_suite, load_suite_config
from evals.validate import TaskCheck, validate_suite
from sandbox.base import Sandbox, SandboxError, Services
from sandbox.docker import connect
from sandbox.image import ensure_image
from sandbox.select import open_sandbox

SandboxKind = Literal["auto", "docker", "local"]


def opener(settings: Settings, kind: str) -> SandboxOpener:
    """Opens grading sandboxes the way the agent's runs open theirs. For Docker, the engine
    and the image are checked (the image built if missing) before any task starts: with no
    engine the eval stops at once with how to start one, instead of failing every task."""
    if kind not in ("auto", "docker", "local"):
        raise ConfigError(f"--sandbox {kind!r}: use auto, docker or local")
    if kind != "local":
        try:
            ensure_image(connect(settings.docker_host), settings.backend_agent_cache)
        except SandboxError as exc:
            raise SandboxUnavailable(str(exc)) from None
    services = Services(settings.backend_agent_postgres_url, settings.backend_agent_redis_url)

    def open_box(workspace: Path, run_id: str) -> Sandbox:
        try:
            return open_sandbox(
                cast(SandboxKind, kind),
                workspace,
                cache_dir=settings.backend_agent_cache,
                host_services=services,
                run_id=run_id,
                docker_url=settings.docker_host,
            )
        except SandboxError as exc:
            raise SandboxUnavailable(str(exc)) from None

    return open_box


def select_tasks(suite: Path, only: str | None) -> list[Task]:
    tasks = load_suite(suite)
    if only is None:
        return tasks
    wanted = [t.strip() for t in only.split(",") if t.strip()]
    unknown = sorted(set(wanted) - {t.id for t in tasks})
    if unknown:
        raise ConfigError(f"--tasks: no task {', '.join(unknown)} in {suite}")
    return [t for t in tasks if t.id in wanted]


def _progress(console: Console) -> Callable[[TaskRunRecord], None]:
    def show(r: TaskRunRecord) -> None:
        verdict = "[green]resolved[/green]" if r.resolved else "[red]unresolved[/red]"
        if r.harness_error:
            verdict = f"[yellow]harness error[/yellow] {r.harness_error[:120]}"
        console.print(
            f"{r.task} run {r.run}: {verdict} ({r.functional_passed}/{r.functional_total} "
            f"functional, exploits {r.exploits or 'none'}, {r.wall_s:.0f}s)",
            highlight=False,
        )

    return show


def eval_suite(
    settings: Settings,
    suite: Path,
    out: Path,
    *,
    choices: AgentChoices,
    runs: int,
    workers: int,
    redo: bool,
    only: str | None,
    console: Console,
) -> ResultSet:
    """Run the eval, write results and reports, print the overall figures."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    plan = EvalPlan(
        suite_name=load_suite_config(suite).name,
        tasks=select_tasks(suite, only),
        runs=runs,
        workers=workers,
        out=out,
        redo=redo,
    )
    console.print(
        f"eval of {plan.suite_name}: {len(plan.tasks)} task(s) x {runs} run(s), "
        f"{workers} worker(s), model {choices.model}, gates {','.join(choices.gates)} -> {out}",
        highlight=False,
    )
    results = run_eval(plan, choices, opener(settings, choices.sandbox), _progress(console))
    md, html = write_reports(results, out)
    console.print(overall_table([results]))
    console.print(f"wrote {out / 'results.json'}, {md}, {html}", highlight=False)
    return results


def validate(
    settings: Settings,
    suite: Path,
    out: Path,
    *,
    repeat: int,
    workers: int,
    only: str | None,
    sandbox: str,
    console: Console,
) -> list[TaskCheck]:
    """Check every task and print one line each; the verdicts."""

    def show(check: TaskCheck) -> None:
        mark = "[green]ok[/green]" if check.ok else "[red]BROKEN[/red]"
        console.print(f"{check.task}: {mark} (reference {check.reference})", highlight=False)
        for problem in check.problems:
            console.print(f"    {problem}", highlight=False, markup=False)

    tasks = select_tasks(suite, only)
    checks = validate_suite(
        tasks, out, opener(settings, sandbox), repeat=repeat, workers=workers, progress=show
    )
    broken = [c.task for c in checks if not c.ok]
    console.print(f"{len(checks) - len(broken)}/{len(checks)} task(s) ok", highlight=False)
    return checks


def overall_table(sets: list[ResultSet]) -> Table:
    table = Table("metric", *(s.model for s in sets))
    figures = [overall(s.records) for s in sets]
    for name, title in COLUMNS:
        table.add_row(title, *(cell(name, f[name]) for f in figures))
    return table


def compare_sets(a: Path, b: Path, out: Path | None, console: Console) -> None:
    left, right = load_results(a), load_results(b)
    console.print(overall_table([left, right]))
    tasks = Table("task", "A resolved", "B resolved")
    ta, tb = per_task(left.records), per_task(right.records)
    for task in sorted(set(ta) | set(tb)):
        tasks.add_row(
            task, *(cell("resolved", t[task]["resolved"]) if task in t else "-" for t in (ta, tb))
        )
    console.print(tasks)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.md").write_text(compare(left, right))
        (out / "report.html").write_text(page([left, right]))
        console.print(f"wrote {out / 'compare.md'} and {out / 'report.html'}", highlight=False)


def report_sets(paths: list[Path], out: Path, console: Console) -> None:
    sets = [load_results(p) for p in paths]
    if len(sets) == 1:
        md, html = write_reports(sets[0], out)
    else:
        out.mkdir(parents=True, exist_ok=True)
        html = out / "report.html"
        html.write_text(page(sets))
        md = out / "compare.md"
        md.write_text(compare(sets[0], sets[1]))
    console.print(f"wrote {md} and {html}", highlight=False)
