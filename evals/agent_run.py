"""One task-run of the agent: `backend-agent run` in a child process, on a fresh repo.

The child is the very CLI a user runs (habit 14), one process per task-run so parallel
workers share nothing (graph, sandbox hooks, signal handlers). It dies with the eval: a
killed eval leaves no agent running on (a resumed eval starts that task-run over in a new
folder). Its report is read back into the figures the eval records.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from agent.events import read_events, where
from agent.report.schema import Report

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class AgentChoices:
    """What every task-run of an eval passes to `backend-agent run`."""

    model: str
    gates: list[str]
    base_url: str | None = None  # --base-url of every task-run (None: OPENAI_BASE_URL)
    sandbox: str = "auto"
    max_repairs: int = 3
    prices: Path | None = None
    timeout_s: float = 1800.0
    env: dict[str, str] | None = None  # the child's environment (None: this process's)

    def model_for(self, task_id: str) -> str:
        """`{task}` in the model string becomes the task's id (one script per task)."""
        return self.model.replace("{task}", task_id)


@dataclass
class AgentRun:
    """How the child ended, and its report when it wrote one."""

    exit_code: int | None
    wall_s: float
    report: Report | None
    error: str | None


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _argv(backlog: Path, repo: Path, task_id: str, p95_ms: float, c: AgentChoices) -> list[str]:
    argv = [sys.executable, "-m", "agent.cli", "run", str(backlog), "--repo", str(repo)]
    argv += ["--model", c.model_for(task_id), "--sandbox", c.sandbox]
    argv += ["--gates", ",".join(c.gates), "--max-repairs", str(c.max_repairs)]
    argv += ["--p95-ms", str(p95_ms), "--progress", "json"]
    argv += ["--base-url", c.base_url] if c.base_url else []
    return argv + (["--prices", str(c.prices)] if c.prices else [])


def find_report(repo: Path) -> Report | None:
    runs = repo / ".backend-agent" / "runs"
    found = sorted(runs.glob("*/report.json"), key=lambda p: p.stat().st_mtime)
    return Report.model_validate_json(found[-1].read_text()) if found else None


def run_agent(
    backlog: Path, repo: Path, task_id: str, p95_ms: float, choices: AgentChoices
) -> AgentRun:
    """Run the agent on `repo` (its log beside it, `agent.log`, and its progress events,
    `agent.events.jsonl`) and read its report; an error says where the run was."""
    log, events = repo.parent / "agent.log", repo.parent / "agent.events.jsonl"
    started = time.monotonic()
    with log.open("wb") as sink, events.open("wb") as progress:
        try:
            done = subprocess.run(
                _argv(backlog, repo, task_id, p95_ms, choices),
                stdout=progress,
                stderr=sink,
                env=choices.env,
                timeout=choices.timeout_s,
                preexec_fn=_die_with_parent,
                check=False,
            )
            code: int | None = done.returncode
        except subprocess.TimeoutExpired:
            code = None
    wall = round(time.monotonic() - started, 2)
    report = find_report(repo)
    error = None
    if code not in (0, 1, 4) or report is None:  # 4: every gate passed, an item incomplete
        tail = log.read_text(errors="replace")[-1200:]
        why = "timed out" if code is None else f"exited {code}"
        seen = read_events(events)
        at = f" during {where(seen[-1])}" if seen else ""
        error = f"backend-agent run {why}{at}: {tail}"
    return AgentRun(code, wall, report, error)
