"""The proof step of verify: each criterion's passed tests, run again on mutants of the
service without the behaviour the criterion names (FAIL_TO_PASS).

Runs once every gate passed (a failing gate decides the item anyway). One sandbox
command for the item: the mutate package (`agent/verify/mutate`) is copied into the
workspace's `.verify/`, makes each mutant on a copy of the code in a temporary folder,
and runs the tests of one mutant in one pytest session, on one fresh database they share.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from agent.backlog.schema import BacklogItem
from agent.verify import database
from agent.verify.context import OUT_DIR, GateContext
from agent.verify.evidence import Evidence, TestOutcome
from agent.verify.proof.reading import mutants
from agent.verify.proof.record import CriterionProof, Mutant, MutantRun, Proof

MUTATE = Path(__file__).parents[1] / "mutate"
MARK = "PROOF-RESULT "
SESSION_TIMEOUT_S = 180.0


def _marked(tests: list[TestOutcome], item_id: str, index: int) -> list[TestOutcome]:
    return [t for t in tests if f"{item_id}#{index}" in t.criteria]


def plan(
    item: BacklogItem, tests: list[TestOutcome]
) -> tuple[list[CriterionProof], dict[int, list[str]], dict[str, Any]]:
    """Each criterion with its tests; the mutant keys of those to prove (every test marked
    for them passed); and the sandbox's plan: one entry per mutant, with the tests of every
    criterion that needs it."""
    proofs, keys, groups = [], dict[int, list[str]](), dict[str, dict[str, Any]]()
    for index, text in enumerate(item.acceptance_criteria, start=1):
        marked = _marked(tests, item.id, index)
        proof = CriterionProof(index=index, text=text, tests=[t.id for t in marked])
        proofs.append(proof)
        if not marked or any(t.outcome != "passed" for t in marked):
            proof.reason = "a test marked for it did not pass" if marked else "no test"
            continue
        chosen = mutants(text, item)
        keys[index] = [m.key for m in chosen]
        proof.mutants = [m.describe() for m in chosen]
        for mutant in chosen:
            entry = groups.setdefault(mutant.key, {**mutant.model_dump(), "key": mutant.key})
            entry["tests"] = sorted({*entry.get("tests", []), *proof.tests})
    return proofs, keys, {"mutants": list(groups.values())}


def _sandbox_run(ctx: GateContext, the_plan: dict[str, Any]) -> dict[str, Any]:
    out = ctx.repo / OUT_DIR
    shutil.rmtree(out / "mutate", ignore_errors=True)
    shutil.copytree(MUTATE, out / "mutate", ignore=shutil.ignore_patterns("__pycache__"))
    (out / "proof_plan.json").write_text(json.dumps(the_plan))
    name = f"{ctx.db_prefix}_proof"
    env = {
        "DATABASE_URL": database.create(ctx.sandbox, ctx.services.postgres_url, name),
        "REDIS_URL": ctx.services.redis_url,
    }
    try:
        run = ctx.sandbox.run(
            [ctx.sandbox.python, "-m", "mutate.main"], timeout=ctx.timeout_s, cwd=OUT_DIR, env=env
        )
    finally:
        database.drop(ctx.sandbox, ctx.services.postgres_url, name)
        shutil.rmtree(out / "mutate", ignore_errors=True)  # not the service's code
    line = next((x for x in reversed(run.stdout.splitlines()) if x.startswith(MARK)), None)
    if line is None:
        why = "timed out" if run.timed_out else f"exit {run.exit_code}: {run.stderr[-800:]}"
        return {"crash": why}
    answer: dict[str, Any] = json.loads(line.removeprefix(MARK))
    return answer


def _runs(answer: dict[str, Any], the_plan: dict[str, Any]) -> list[MutantRun]:
    specs = {m["key"]: Mutant.model_validate(m) for m in the_plan["mutants"]}
    return [
        MutantRun(
            key=r["key"],
            description=specs[r["key"]].describe(r.get("module")),
            module=r.get("module"),
            files=r.get("files", []),
            outcomes=r.get("outcomes", {}),
            duration_s=r.get("duration_s", 0.0),
            error=r.get("error", ""),
        )
        for r in answer.get("mutants", [])
    ]


def _judge(proof: CriterionProof, keys: list[str], runs: list[MutantRun]) -> None:
    """Proven when a test of the criterion failed on one of its mutants; else say why not."""
    mine = [r for r in runs if r.key in keys]
    for run in mine:
        for test in proof.tests:
            if run.outcomes.get(test) == "failed":
                proof.proven_by.setdefault(test, run.description)
    proof.mutants = [r.description for r in mine] or proof.mutants
    proof.verdict = "proven" if proof.proven_by else "unproven"
    if not proof.proven_by:
        why = [f"{r.description}: {_why(r)}" for r in mine]
        proof.reason = "; ".join(why) or "no mutant could be made for it"


def _why(run: MutantRun) -> str:
    if run.error:
        return run.error
    if not run.files:
        return "found nothing to take away in the code"
    return "its tests still passed"


def prove(ctx: GateContext, evidence: Evidence, item: BacklogItem) -> Proof:
    """Prove the item's criteria on mutants; nothing runs while a gate fails."""
    started = time.monotonic()
    proofs, keys, the_plan = plan(item, evidence.tests)
    proof = Proof(item_id=item.id, criteria=proofs)
    if not evidence.passed:
        proof.skipped = "a gate failed; criteria are proven once every gate passes"
    elif the_plan["mutants"]:
        the_plan["timeout_s"] = min(SESSION_TIMEOUT_S, ctx.timeout_s)
        answer = _sandbox_run(ctx, the_plan)
        proof.skipped = answer.get("crash")
        proof.mutants = _runs(answer, the_plan)
    for criterion in proofs:
        if criterion.index not in keys:
            continue  # verdict "no test": nothing passed to prove
        if proof.skipped:
            criterion.verdict, criterion.reason = "unproven", f"not proven: {proof.skipped}"
        else:
            _judge(criterion, keys[criterion.index], proof.mutants)
    proof.duration_s = round(time.monotonic() - started, 2)
    return proof
