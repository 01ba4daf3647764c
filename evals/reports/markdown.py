"""The Markdown summary of one eval, and the side-by-side of two."""

from __future__ import annotations

from evals.metrics import RATES, Estimate, overall, per_task
from evals.records import ResultSet, TaskRunRecord

COLUMNS = (
    ("resolved", "resolved"),
    ("partial", "partial"),
    ("secure_resolved", "secure"),
    ("build_ok", "build"),
    ("contract_ok", "contract"),
    ("p95_met", "p95 met"),
    ("repair_iterations", "iterations"),
    ("tokens", "tokens"),
    ("cost_usd", "cost $"),
    ("wall_s", "wall s"),
)


def cell(name: str, estimate: Estimate) -> str:
    digits = 4 if name == "cost_usd" else 0 if name == "tokens" else 1
    return estimate.text(percent=name in RATES, digits=digits)


def _row(label: str, figures: dict[str, Estimate]) -> str:
    return "| " + " | ".join([label, *(cell(n, figures[n]) for n, _ in COLUMNS)]) + " |"


def _header(first: str) -> list[str]:
    names = [first, *(title for _, title in COLUMNS)]
    return ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]


def _findings(records: list[TaskRunRecord]) -> list[str]:
    """Offline-resolvable tasks left unresolved, exploits that worked, errors."""
    lines: list[str] = []
    offline = [r for r in records if r.expected_offline]
    expected = [r for r in offline if not r.resolved]
    lines += [
        "",
        f"Task-runs of tasks the suite marks offline-resolvable: {len(offline) - len(expected)}"
        f"/{len(offline)} resolved.",
    ]
    if expected:
        lines += ["", "## Offline-resolvable task-runs not resolved", ""]
        lines += [
            f"- {r.task} run {r.run}: failed {', '.join(r.failed_tests[:5])}" for r in expected
        ]
    exploits = sorted({f"{r.task}: {cwe}" for r in records for cwe in r.exploits})
    if exploits:
        lines += ["", "## Exploits that worked", "", *(f"- {e}" for e in exploits)]
    errors = [r for r in records if r.harness_error or r.agent_error]
    if errors:
        lines += ["", "## Errors", ""]
        lines += [
            f"- {r.task} run {r.run}: {(r.harness_error or r.agent_error or '')[:200]!r}"
            for r in errors
        ]
    return lines


def summary(results: ResultSet) -> str:
    """`summary.md`: overall and per task, mean ± standard error over runs."""
    records = results.records
    runs = sorted({r.run for r in records})
    lines = [
        f"# Eval of `{results.suite}` with `{results.model}`",
        "",
        f"{len({r.task for r in records})} task(s) x {len(runs)} run(s); gates "
        f"`{','.join(results.gates)}`; started {results.started_at}; machine "
        f"{results.machine.get('host', '?')} ({results.machine.get('cpus', '?')} CPUs).",
        "Figures are mean ± standard error over runs (none with a single run).",
        "",
        *_header("scope"),
        _row("**overall**", overall(records)),
        *(_row(task, figures) for task, figures in per_task(records).items()),
    ]
    lines += _findings(records)
    return "\n".join(lines) + "\n"


def compare(a: ResultSet, b: ResultSet) -> str:
    """Two result sets side by side: overall figures, then each task's resolved rate."""
    oa, ob = overall(a.records), overall(b.records)
    lines = [
        f"# `{a.model}` ({a.suite}) vs `{b.model}` ({b.suite})",
        "",
        "| metric | A | B |",
        "|---|---|---|",
        *(f"| {title} | {cell(n, oa[n])} | {cell(n, ob[n])} |" for n, title in COLUMNS),
        "",
        "| task | A resolved | B resolved | A partial | B partial |",
        "|---|---|---|---|---|",
    ]
    ta, tb = per_task(a.records), per_task(b.records)
    for task in sorted(set(ta) | set(tb)):
        row = [task]
        for name in ("resolved", "partial"):
            row += [cell(name, t[task][name]) if task in t else "—" for t in (ta, tb)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"
