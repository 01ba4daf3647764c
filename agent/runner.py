"""Start and resume runs: the edge every entry point (CLI, worker, eval) goes through.

It checks the backlog before anything is written, prepares the repo and the run's folder,
opens the sandbox, and drives the graph under a checkpointer (SQLite in the repo's
`.backend-agent/` by default; a worker passes PostgreSQL through `RunEdge`), so a killed
run resumes where it stopped. Every run's start and end go to a runs store (SQLite in the
repo by default).
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from git import Actor, Repo
from git.exc import GitCommandError
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from agent import crash
from agent.backlog import load_backlog
from agent.config import RunConfig, Settings
from agent.context import Observe, RunContext
from agent.delivery.forge import Forge
from agent.delivery.git import checkout_branch, ensure_clean, open_repo
from agent.errors import ConfigError, RunNotFound, SandboxUnavailable
from agent.events import Events
from agent.graph import build_graph
from agent.models.base import ChatModel
from agent.models.ledger import Budgets, Ledger
from agent.models.pricing import PriceTable
from agent.report.schema import Report
from agent.report.verdict import RunVerdict, run_verdict
from agent.runs.store import RunsStore
from agent.state import RunState
from sandbox.base import Sandbox, SandboxError, Services
from sandbox.select import open_sandbox

STATE_DIR = ".backend-agent"
EXIT_CODES = {"passed": 0, "failed": 1, "incomplete": 4}


@dataclass
class RunOutcome:
    """What a finished run produced."""

    run_id: str
    report_path: Path
    report: Report

    @property
    def passed(self) -> bool:
        return all(item.status == "passed" for item in self.report.items)

    @property
    def verdict(self) -> RunVerdict:
        return run_verdict(self.report)

    @property
    def exit_code(self) -> int:
        """0 passed, 1 failed, 4 incomplete (the CLI's exit code)."""
        return EXIT_CODES[self.verdict]


def new_run(backlog_path: Path, repo: Path, **choices: Any) -> RunConfig:
    """Check the backlog (nothing is written when it is bad), then prepare repo and run dir."""
    backlog = load_backlog(backlog_path)
    run_id = choices.pop("run_id", None) or uuid.uuid4().hex[:12]
    config = RunConfig(run_id=run_id, backlog=backlog_path, repo=repo.resolve(), **choices)
    git_repo = open_repo(config.repo, Actor(config.author_name, config.author_email))
    ensure_clean(git_repo)
    if config.branch is None:
        items = backlog.by_priority()
        config.branch = (
            f"backend-agent/{items[0].id}" if len(items) == 1 else f"backend-agent/run-{run_id}"
        )
    config.base = config.base or base_branch(git_repo, config.branch)
    if config.base == config.branch:
        raise ConfigError(f"--base {config.base} is the run's own branch; name another")
    checkout_branch(git_repo, config.branch)
    config.run_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backlog_path, config.run_dir / "backlog.json")
    config.backlog = config.run_dir / "backlog.json"
    (config.run_dir / "config.json").write_text(config.model_dump_json(indent=1))
    return config


def base_branch(repo: Repo, branch: str) -> str:
    """The pull request's base: the branch checked out before the run; when that is the
    run's own branch (a second run on it), the remote's default branch, else `main`."""
    current = None if repo.head.is_detached else repo.active_branch.name
    if current is not None and current != branch:
        return current
    try:
        default = str(repo.git.symbolic_ref("--short", "refs/remotes/origin/HEAD"))
    except GitCommandError:
        return "main"
    return default.removeprefix("origin/")


def load_run(repo: Path, run_id: str) -> RunConfig:
    path = repo.resolve() / STATE_DIR / "runs" / run_id / "config.json"
    if not path.exists():
        raise RunNotFound(f"no run {run_id!r} in {repo / STATE_DIR / 'runs'}")
    return RunConfig.model_validate_json(path.read_text())


@contextmanager
def checkpointer(repo: Path) -> Iterator[SqliteSaver]:
    conn = sqlite3.connect(repo / STATE_DIR / "checkpoints.sqlite", check_same_thread=False)
    try:
        yield SqliteSaver(conn)
    finally:
        conn.close()


Checkpointer = AbstractContextManager[BaseCheckpointSaver[Any]]
CheckpointerFactory = Callable[[RunConfig], Checkpointer]


def sqlite_checkpointer(config: RunConfig) -> Checkpointer:
    """The CLI's checkpoints: SQLite in the repo's `.backend-agent/`."""
    return checkpointer(config.repo)


def sqlite_runs(config: RunConfig) -> RunsStore:
    """The CLI's run records: SQLite in the repo's `.backend-agent/`."""
    return RunsStore.sqlite(config.repo / STATE_DIR / "runs.sqlite")


class RunStopped(Exception):
    """The run stopped between two steps because its edge asked (`RunEdge.stop`); the
    last step is checkpointed and a `resume` continues from it."""


@dataclass
class RunEdge:
    """What the entry point supplies beyond the run's config: where checkpoints and run
    records go, a stop request checked between steps, an observer of every progress event
    (`agent.events`; the run writes them to its `events.jsonl` as well)."""

    checkpoints: CheckpointerFactory = sqlite_checkpointer
    runs: Callable[[RunConfig], RunsStore] = sqlite_runs
    stop: threading.Event | None = None
    observe: Observe | None = None
    source: str = "cli"
    details: dict[str, Any] = field(default_factory=dict)  # extra run-record fields


def open_run_sandbox(config: RunConfig, settings: Settings) -> Sandbox:
    services = Services(settings.backend_agent_postgres_url, settings.backend_agent_redis_url)
    try:
        return open_sandbox(
            config.sandbox,
            config.repo,
            cache_dir=settings.backend_agent_cache,
            host_services=services,
            run_id=config.run_id,
            docker_url=settings.docker_host,
        )
    except SandboxError as exc:
        raise SandboxUnavailable(str(exc)) from None


ModelFactory = Callable[[Ledger], ChatModel]


def budgets(config: RunConfig) -> Budgets:
    return Budgets(
        run_tokens=config.budget_run_tokens,
        run_cost_usd=config.budget_run_usd,
        item_tokens=config.budget_item_tokens,
        item_cost_usd=config.budget_item_usd,
    )


def drive(
    config: RunConfig,
    make_model: ModelFactory,
    sandbox: Sandbox,
    *,
    resume: bool,
    forge: Forge | None = None,
    edge: RunEdge | None = None,
) -> RunOutcome:
    """Run (or resume) the graph of `config` to its end; a resumed run keeps its spend.
    `forge` receives the pull request when the run was asked to open one. The start and
    the end (outcome, or the error) are recorded in the edge's runs store and emitted as
    the events `run.start` and `run.end`."""
    edge = edge or RunEdge()
    events = Events(
        config.run_id, config.run_dir / "events.jsonl", [edge.observe] if edge.observe else []
    )
    store = edge.runs(config)
    try:
        store.started(config, source=edge.source, sandbox=sandbox.name, **edge.details)
        events.emit("run.start", resume=resume, model=config.model, sandbox=sandbox.name)
        try:
            outcome = _drive(
                config, make_model, sandbox, resume=resume, forge=forge, edge=edge, events=events
            )
        except RunStopped:
            store.ended(config.run_id, status="stopped")
            events.emit("run.end", status="stopped")
            raise
        except BaseException as exc:
            if crash.unexpected(exc):
                crash.record(
                    exc, config.run_dir, run_id=config.run_id, resume=resume_point(config, edge)
                )
            error = crash.error_of(exc)
            store.ended(config.run_id, status="error", error=error)
            events.emit("run.end", status="error", error=error)
            raise
        store.finished(outcome.report, config.run_dir)
        events.emit("run.end", status=outcome.verdict, exit_code=outcome.exit_code)
        return outcome
    finally:
        store.close()


def resume_point(config: RunConfig, edge: RunEdge) -> str:
    """How a stopped run continues, and the checkpoint it continues from."""
    thread: RunnableConfig = {"configurable": {"thread_id": config.run_id}}
    try:
        with edge.checkpoints(config) as saver:
            state = build_graph(saver).get_state(thread)
    except Exception as exc:  # the checkpoints themselves may be what broke
        return f"its checkpoints could not be read ({crash.error_of(exc)})"
    how = (
        f"`backend-agent resume {config.run_id} --repo {config.repo}`"
        if edge.source == "cli"
        else "the job's next attempt"
    )
    if not state.values:
        return f"nothing was checkpointed yet: {how} starts it over"
    at = ", ".join(state.next) or "its end"
    checkpoint = state.config.get("configurable", {}).get("checkpoint_id", "?")
    return f"{how} continues at {at} (checkpoint {checkpoint})"


def _drive(
    config: RunConfig,
    make_model: ModelFactory,
    sandbox: Sandbox,
    *,
    resume: bool,
    forge: Forge | None,
    edge: RunEdge,
    events: Events,
) -> RunOutcome:
    thread: RunnableConfig = {"configurable": {"thread_id": config.run_id}}
    prices = PriceTable.load(config.prices)
    with edge.checkpoints(config) as saver:
        spent = build_graph(saver).get_state(thread).values.get("usage") or {}
    ledger = Ledger.restore(spent, prices, budgets(config))
    context = RunContext(
        config=config,
        sandbox=sandbox,
        model=make_model(ledger),
        ledger=ledger,
        forge=forge,
        events=events,
    )
    first: RunState | None = (
        None if resume else {"run_id": config.run_id, "started_at": datetime.now(UTC).isoformat()}
    )
    with edge.checkpoints(config) as saver:
        graph = build_graph(saver)
        if resume and not graph.get_state(thread).values:
            raise RunNotFound(f"run {config.run_id} has no checkpoint to resume from")
        if edge.stop is None:
            final = graph.invoke(first, thread, context=context)
        else:
            final = _stream(graph, first, thread, context, edge.stop)
    report_path = Path(final["report_path"])
    return RunOutcome(
        config.run_id, report_path, Report.model_validate_json(report_path.read_text())
    )


Graph = CompiledStateGraph[RunState, RunContext, RunState, RunState]


def _stream(
    graph: Graph, first: RunState | None, thread: RunnableConfig, context: RunContext,
    stop: threading.Event,
) -> dict[str, Any]:  # fmt: skip
    """Step by step, each step checkpointed before the next (durability "sync"), and
    `RunStopped` between two steps once `stop` is set (not after the last one)."""
    for _ in graph.stream(first, thread, context=context, durability="sync"):
        if stop.is_set() and graph.get_state(thread).next:
            raise RunStopped(str(thread["configurable"]["thread_id"]))
    return dict(graph.get_state(thread).values)
