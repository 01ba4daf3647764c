"""scaffold and implement: render the item's part of the service, then fill what the
scaffold cannot (with a model; without one, list it as not implemented)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import RunContext
from agent.scaffold.workspace import Formatter, scaffold_item
from agent.spec.types import ServiceSpec
from agent.state import RunState, item, put_item
from sandbox.base import Sandbox


def ruff_formatter(sandbox: Sandbox) -> Formatter:
    """Tidy freshly written files with the sandbox's ruff (imports, then format)."""

    def fmt(files: list[str]) -> None:
        sandbox.run(
            [
                sandbox.python,
                "-m",
                "ruff",
                "check",
                "--fix",
                "--select",
                "F401,F841,I",
                "--quiet",
                *files,
            ],
            timeout=120,
        )
        sandbox.run([sandbox.python, "-m", "ruff", "format", "--quiet", *files], timeout=120)

    return fmt


def scaffold(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Bring the repo to the spec of the items done so far plus this one."""
    record = item(state)
    spec = ServiceSpec.model_validate(state["spec"])
    result = scaffold_item(
        runtime.context.config.repo, spec, record.id, ruff_formatter(runtime.context.sandbox)
    )
    record.scaffold = result
    record.status = "scaffolded"
    runtime.context.record(
        "scaffold",
        item=record.id,
        message=f"{len(result.written)} file(s) written, "
        f"{len(result.kept_hand_edits)} hand edit(s) kept",
        migration=result.migration.revision if result.migration else None,
    )
    return put_item(state, record)


def implement(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Offline: the scaffold is the implementation; every gap of the item is reported."""
    record = item(state)
    spec = ServiceSpec.model_validate(state["spec"])
    record.not_implemented = [g for g in spec.gaps if g.item_id == record.id]
    record.status = "implemented"
    runtime.context.record(
        "implement",
        item=record.id,
        model=runtime.context.model.name,
        message=f"{len(record.not_implemented)} gap(s) left for a model",
    )
    return put_item(state, record)
