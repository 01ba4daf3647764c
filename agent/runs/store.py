"""Record runs as they start and end; list them.

One class over SQLAlchemy Core, so the CLI (SQLite in the repo) and the workers
(PostgreSQL shared by all of them) write the same rows. A run's row is created when it
starts and updated when it ends; a resumed run (a redelivered job) counts one more
attempt on the same row. Items and verify iterations are written from the report and the
trajectory at the end, replacing what an earlier attempt wrote.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from agent.config import RunConfig
from agent.report.schema import Report
from agent.report.verdict import run_verdict
from agent.runs import tables


def engine_url(url: str) -> str:
    """A database URL as SQLAlchemy reads it: PostgreSQL through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RunsStore:
    """The runs store on one database (created on first use)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            tables.metadata.create_all(engine)
        except DBAPIError:  # another worker created them at the same moment
            tables.metadata.create_all(engine)

    @classmethod
    def open(cls, url: str) -> RunsStore:
        return cls(create_engine(engine_url(url), pool_pre_ping=True))

    @classmethod
    def sqlite(cls, path: Path) -> RunsStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls.open(f"sqlite:///{path}")

    def close(self) -> None:
        self.engine.dispose()

    def started(self, config: RunConfig, *, source: str, sandbox: str, **details: Any) -> None:
        """A run starts, or resumes: one more attempt on its row."""
        now, worker = _now(), f"{socket.gethostname()}:{os.getpid()}"
        row = {
            "source": source, "repo": str(config.repo), "branch": config.branch,
            "model": config.model, "sandbox": sandbox, "worker": worker, "status": "running",
            "updated_at": now, "finished_at": None, "error": None,
            "repository": details.get("repository"),
        }  # fmt: skip
        with self.engine.begin() as db:
            found = db.execute(
                select(tables.runs.c.attempts).where(tables.runs.c.run_id == config.run_id)
            ).first()
            if found is None:
                db.execute(
                    insert(tables.runs).values(
                        run_id=config.run_id, attempts=1, started_at=now, **row
                    )
                )
            else:
                where = tables.runs.c.run_id == config.run_id
                db.execute(update(tables.runs).where(where).values(attempts=found[0] + 1, **row))

    def ended(self, run_id: str, *, status: str, error: str | None = None) -> None:
        """A run ended without a report: stopped (to be resumed) or an error."""
        where = tables.runs.c.run_id == run_id
        with self.engine.begin() as db:
            db.execute(
                update(tables.runs)
                .where(where)
                .values(status=status, error=(error or "")[-4000:] or None, updated_at=_now())
            )

    def finished(self, report: Report, run_dir: Path) -> None:
        """A run ended with its report: outcome, items, iterations, usage, pull request."""
        run_id, now = report.run.run_id, _now()
        usage = report.run.usage
        pr = report.delivery.pull_request if report.delivery else None
        with self.engine.begin() as db:
            started = db.execute(
                select(tables.runs.c.started_at).where(tables.runs.c.run_id == run_id)
            ).scalar_one()
            db.execute(
                update(tables.runs)
                .where(tables.runs.c.run_id == run_id)
                .values(
                    status=run_verdict(report) if report.items else "failed",
                    finished_at=now, updated_at=now,
                    duration_s=(now - _aware(started)).total_seconds(),
                    items_total=len(report.items),
                    items_passed=sum(i.status == "passed" for i in report.items),
                    repair_iterations=sum(i.repair_iterations for i in report.items),
                    calls=usage.calls, input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens, cost_usd=usage.cost_usd,
                    pull_request_url=pr.url if pr else None, error=None,
                )
            )  # fmt: skip
            _replace_items(db, report)
            _replace_iterations(db, run_id, run_dir / "trajectory.jsonl")

    def recent(self, *, repo: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The latest runs first; `repo` matches the clone's path or owner/name."""
        query = select(tables.runs).order_by(tables.runs.c.started_at.desc()).limit(limit)
        if repo is not None:
            query = query.where((tables.runs.c.repo == repo) | (tables.runs.c.repository == repo))
        with self.engine.connect() as db:
            return [dict(row._mapping) for row in db.execute(query)]

    def get(self, run_id: str) -> dict[str, Any] | None:
        query = select(tables.runs).where(tables.runs.c.run_id == run_id)
        with self.engine.connect() as db:
            row = db.execute(query).first()
        return dict(row._mapping) if row is not None else None

    def items(self, run_id: str) -> list[dict[str, Any]]:
        query = select(tables.items).where(tables.items.c.run_id == run_id)
        with self.engine.connect() as db:
            return [dict(row._mapping) for row in db.execute(query)]

    def iterations(self, run_id: str) -> list[dict[str, Any]]:
        query = select(tables.iterations).where(tables.iterations.c.run_id == run_id)
        with self.engine.connect() as db:
            return [dict(row._mapping) for row in db.execute(query)]


def _replace_items(db: Any, report: Report) -> None:
    run_id = report.run.run_id
    db.execute(delete(tables.items).where(tables.items.c.run_id == run_id))
    for item in report.items:
        spent = report.run.usage_by_item.get(item.id)
        db.execute(
            insert(tables.items).values(
                run_id=run_id, item_id=item.id, priority=item.priority, status=item.status,
                repair_iterations=item.repair_iterations, stop_reason=item.stop_reason,
                commit=item.commit,
                input_tokens=spent.input_tokens if spent else 0,
                output_tokens=spent.output_tokens if spent else 0,
                cost_usd=spent.cost_usd if spent else None,
            )
        )  # fmt: skip


def _replace_iterations(db: Any, run_id: str, trajectory: Path) -> None:
    """One row per verify of an item (iteration 0 is the first verify, then one per repair)."""
    db.execute(delete(tables.iterations).where(tables.iterations.c.run_id == run_id))
    if not trajectory.exists():
        return
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for line in trajectory.read_text().splitlines():
        entry = json.loads(line) if line.strip() else {}
        if entry.get("node") == "verify" and entry.get("item") is not None:
            key = (str(entry["item"]), int(entry.get("iteration") or 0))
            rows[key] = {
                "run_id": run_id, "item_id": key[0], "iteration": key[1],
                "passed": bool(entry.get("passed")), "at": entry.get("ts"),
                "summary": str(entry.get("message", ""))[:2000],
            }  # fmt: skip
    if rows:
        db.execute(insert(tables.iterations), list(rows.values()))
