"""The load gate: seed rows, then a short bounded load on read and write endpoints; p95
against the SLA, with the sandbox's CPU and memory beside the figures.

It never fails on seeding: a row the service refused, an endpoint with nothing to address
or whose creates a rule refused, even a seeding 5xx (the contract and security gates judge
those) is reported as not exercised. What it refuses (p95 over the SLA, errors under load)
carries the slowest or the first failing request as evidence.
"""

from __future__ import annotations

from typing import Any

from agent.verify.context import GateContext
from agent.verify.contract_gate import note_service
from agent.verify.evidence import (
    CheckResult,
    Evidence,
    Failure,
    LatencyFigures,
    LoadFigures,
    NotExercised,
)
from agent.verify.findings import exchange, not_exercised
from agent.verify.probe import run_probe
from agent.verify.sources import source

CONCURRENCY = 8
DURATION_S = 5.0
MAX_ERROR_RATE = 0.01


def limits_text(sandbox: str, measured: dict[str, Any]) -> str:
    """The CPU and memory the figures were measured under, in words."""
    host = f"host has {measured.get('host_cpus')} CPUs"
    if sandbox == "local":
        return f"unlimited (local sandbox; {host})"
    cpus, memory = measured.get("cpus"), measured.get("memory_bytes")
    cpu = f"{cpus:g} CPUs" if cpus else "no CPU quota"
    mem = f"{memory / (1 << 30):.1f} GiB memory" if memory else "no memory limit"
    return f"{cpu}, {mem} ({sandbox} sandbox cgroup; {host})"


def _judge(ctx: GateContext, figures: LoadFigures, answer: dict[str, Any]) -> list[Failure]:
    out = []
    for name, f in figures.endpoints.items():
        seen = answer.get("evidence", {}).get(name, {})
        if f.judged and f.p95_ms > figures.sla_p95_ms:
            out.append(
                Failure(
                    check="load",
                    where=name,
                    message=f"p95 {f.p95_ms} ms over the SLA of {figures.sla_p95_ms:g} ms",
                    exchange=exchange(seen.get("slowest")),
                    expected=f"p95 at most {figures.sla_p95_ms:g} ms (--p95-ms)",
                )
            )
        if f.error_rate > MAX_ERROR_RATE:
            out.append(
                Failure(
                    check="load",
                    where=name,
                    message=f"error rate {f.error_rate:.2%} under load ({f.requests} requests)",
                    exchange=exchange(seen.get("error")),
                    expected=f"at most {MAX_ERROR_RATE:.0%} errors (4xx or 5xx) under load",
                    source=source(ctx.backlog, ctx.spec, name, ""),
                )
            )
    return out


def _seeding_unjudged(answer: dict[str, Any]) -> list[NotExercised]:
    """Seeding problems, which this gate reports and leaves to contract and security."""
    return [
        NotExercised(
            check="load",
            where=f"{p['where']} (seed)",
            reason=f"{p['message']}: nothing to load here (the contract and security "
            "gates judge the service's answer)",
            exchange=exchange(p.get("exchange")),
        )
        for p in answer.get("seed_problems", [])
    ]


def figures_of(ctx: GateContext, answer: dict[str, Any]) -> LoadFigures:
    return LoadFigures(
        overall=LatencyFigures.model_validate(answer["overall"]),
        endpoints={k: LatencyFigures.model_validate(v) for k, v in answer["endpoints"].items()},
        duration_s=answer["duration_s"],
        concurrency=answer["concurrency"],
        sla_p95_ms=ctx.p95_ms,
        limits=limits_text(ctx.sandbox.name, answer.get("limits", {})),
    )


def load(ctx: GateContext, evidence: Evidence) -> CheckResult:
    outcome = run_probe(ctx, "load", {"concurrency": CONCURRENCY, "duration_s": DURATION_S})
    answer = outcome.answer
    note_service(evidence, answer)
    failures = [outcome.failure] if outcome.failure else []
    skipped = _seeding_unjudged(answer) + not_exercised("load", answer)
    unexercised = f"; {len(skipped)} not exercised" if skipped else ""
    if not answer.get("overall"):
        # no read, list or unlimited create endpoint (e.g. only register and login): nothing
        # to measure is not a failure; the report keeps the figures null with why
        left = "; ".join(answer.get("left_out", [])) or "no read, list or create endpoint"
        summary = f"nothing to load ({left}){unexercised}" if answer else "not run"
        return CheckResult(
            name="load",
            passed=not failures,
            summary=summary,
            failures=failures,
            not_exercised=skipped,
            figures={"not_exercised": len(skipped)},
        )
    evidence.load = figures_of(ctx, answer)
    failures += _judge(ctx, evidence.load, answer)
    overall = evidence.load.overall
    return CheckResult(
        name="load",
        passed=not failures,
        summary=f"{overall.rps} rps, p95 {overall.p95_ms} ms (SLA {ctx.p95_ms:g} ms), "
        f"errors {overall.error_rate:.2%}, {evidence.load.limits}{unexercised}",
        failures=failures,
        not_exercised=skipped,
        figures={
            "rps": overall.rps,
            "p50_ms": overall.p50_ms,
            "p95_ms": overall.p95_ms,
            "p99_ms": overall.p99_ms,
            "error_rate": overall.error_rate,
            "rate_limited": overall.rate_limited,
            "refused": overall.refused,
            "not_exercised": len(skipped),
            "left_out": "; ".join(answer.get("left_out", [])),
        },
    )
