"""`results.json`: one record per task and run, rewritten (atomically) after every finished
task-run, so a killed eval resumes from what it holds.

A record is finished unless `harness_error` says the harness itself failed (no sandbox,
the agent process could not start): those are run again. An agent that crashed, stopped
or produced a broken service is a finished record, graded as it is.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from agent.errors import ConfigError

RESULTS = "results.json"


class TaskRunRecord(BaseModel):
    """The metrics of one task-run. A figure not measured is null, and `notes` says why."""

    task: str
    run: int
    model: str
    kind: str = "greenfield"
    domain: str = ""
    expected_offline: bool = False
    resolved: bool = False
    partial: float | None = None  # fraction of hidden functional tests passed
    secure_resolved: bool = False
    functional_passed: int = 0
    functional_total: int = 0
    security_failed: int = 0
    security_total: int = 0
    exploits: list[str] = Field(default_factory=list)  # CWEs of exploits that worked
    failed_tests: list[str] = Field(default_factory=list)
    build_ok: bool = False
    contract_ok: bool | None = None
    p95_ms: float | None = None
    p95_target_ms: float = 200.0
    p95_met: bool | None = None
    repair_iterations: int | None = None
    tokens: int | None = None
    cost_usd: float | None = None
    model_calls: int | None = None
    agent_exit: int | None = None
    agent_passed: bool | None = None  # the agent's own verdict: every item passed
    agent_verdict: str | None = None  # passed, incomplete (gates passed, work left), failed
    wall_s: float = 0.0  # the agent's run
    grade_s: float = 0.0
    finished_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())
    agent_error: str | None = None
    harness_error: str | None = None
    notes: dict[str, str] = Field(default_factory=dict)  # figure -> why it is null
    workdir: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.task, self.run)

    @property
    def finished(self) -> bool:
        return self.harness_error is None


class ResultSet(BaseModel):
    """The content of `results.json`."""

    suite: str
    model: str
    gates: list[str] = Field(default_factory=list)
    started_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())
    machine: dict[str, str] = Field(default_factory=dict)
    records: list[TaskRunRecord] = Field(default_factory=list)

    def finished_keys(self) -> set[tuple[str, int]]:
        return {r.key for r in self.records if r.finished}


def load_results(path: Path) -> ResultSet:
    """A results file, or the `results.json` of an eval's out folder."""
    file = path / RESULTS if path.is_dir() else path
    if not file.is_file():
        raise ConfigError(f"no results at {file}")
    return ResultSet.model_validate_json(file.read_text())


class ResultsFile:
    """The out folder's `results.json`, shared by the eval's workers."""

    def __init__(self, out: Path, fresh: ResultSet, *, redo: bool) -> None:
        self.path = out / RESULTS
        self._lock = threading.Lock()
        self.data = fresh
        if self.path.is_file() and not redo:
            old = ResultSet.model_validate_json(self.path.read_text())
            if old.model != fresh.model or old.suite != fresh.suite:
                raise ConfigError(
                    f"{self.path} holds an eval of {old.suite} with {old.model}; "
                    "use another --out or --redo"
                )
            fresh.started_at = old.started_at
            fresh.records = [r for r in old.records if r.finished]
        self._write()

    def done(self) -> set[tuple[str, int]]:
        return self.data.finished_keys()

    def add(self, record: TaskRunRecord) -> None:
        with self._lock:
            kept = [r for r in self.data.records if r.key != record.key]
            self.data.records = sorted([*kept, record], key=lambda r: r.key)
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.data.model_dump(mode="json"), indent=1) + "\n")
        os.replace(tmp, self.path)
