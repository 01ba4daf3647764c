"""A run's verdict from its report, the same for the CLI's exit code, the terminal
summary, the runs store, the workers and the pull request.

passed      every item passed: every gate, every criterion proven, nothing left
incomplete  every gate passed, but some item has criteria not met or rules not implemented
failed      some item failed a gate
"""

from __future__ import annotations

from typing import Literal

from agent.report.schema import ItemReport, Report

RunVerdict = Literal["passed", "incomplete", "failed"]
MODEL_HINT = "--model anthropic:<model> (or openai:<model>)"


def run_verdict(report: Report) -> RunVerdict:
    statuses = {item.status for item in report.items}
    if statuses - {"passed", "incomplete"}:
        return "failed"
    return "incomplete" if "incomplete" in statuses else "passed"


PLURALS = {"index": "indexes", "criterion": "criteria"}


def _count(n: int, one: str) -> str:
    return f"{n} {one if n == 1 else PLURALS.get(one, one + 's')}"


def _left(items: list[ItemReport]) -> tuple[str, int]:
    """`2 rules, 1 calculation and 1 criterion`, and how many that is."""
    kinds: dict[str, int] = {}
    for item in items:
        for gap in item.not_implemented:
            kinds[gap.kind] = kinds.get(gap.kind, 0) + 1
        unmet = sum(1 for c in item.acceptance_criteria if not c.met)
        if unmet:
            kinds["criterion"] = kinds.get("criterion", 0) + unmet
    parts = [_count(n, kind) for kind, n in kinds.items()]
    text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return text, sum(kinds.values())


def verdict_line(report: Report) -> str:
    """passed / failed (which items, which gates) / incomplete (how much is left, and what
    would finish it: a model, offline; else why the repair loop stopped)."""
    failed = [i for i in report.items if i.status not in {"passed", "incomplete"}]
    if failed:
        names = ", ".join(
            f"{i.id} ({', '.join(g.name for g in i.gates if not g.passed) or 'no gate ran'})"
            for i in failed
        )
        return f"failed: {len(failed)} item(s) failed a gate: {names}; see the report"
    incomplete = [i for i in report.items if i.status == "incomplete"]
    if not incomplete:
        return "passed: every gate passed, every criterion proven, nothing left"
    what, count = _left(incomplete)
    if report.run.model == "offline":
        return f"incomplete: {what} {'needs' if count == 1 else 'need'} a model: {MODEL_HINT}"
    stops = sorted({i.stop_reason for i in incomplete if i.stop_reason})
    return f"incomplete: {what} left ({'; '.join(stops) or 'stopped'}); see the report"
