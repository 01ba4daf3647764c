"""The runs store's tables (SQLAlchemy Core), the same on PostgreSQL and SQLite."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

runs = Table(
    "backend_agent_runs",
    metadata,
    Column("run_id", String(64), primary_key=True),  # the job id for a worker's run
    Column("source", String(16), nullable=False),  # cli | webhook | ...
    Column("repository", String(200)),  # owner/name on the forge, when known
    Column("repo", Text, nullable=False),  # the clone the run worked in
    Column("branch", String(200)),
    Column("model", String(200), nullable=False),
    Column("sandbox", String(16)),
    Column("worker", String(200)),  # host:pid of the process that ran it last
    Column("status", String(16), nullable=False),  # running passed incomplete failed error stopped
    Column("attempts", Integer, nullable=False, default=1),  # starts, resumes included
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("duration_s", Float),
    Column("items_total", Integer),
    Column("items_passed", Integer),
    Column("repair_iterations", Integer),
    Column("calls", Integer),
    Column("input_tokens", Integer),
    Column("output_tokens", Integer),
    Column("cost_usd", Float),
    Column("pull_request_url", Text),
    Column("error", Text),
)

items = Table(
    "backend_agent_run_items",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("priority", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("repair_iterations", Integer, nullable=False),
    Column("stop_reason", Text),
    Column("commit", String(64)),
    Column("input_tokens", Integer),
    Column("output_tokens", Integer),
    Column("cost_usd", Float),
)

iterations = Table(
    "backend_agent_run_iterations",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("iteration", Integer, primary_key=True),
    Column("passed", Boolean, nullable=False),
    Column("at", String(40)),
    Column("summary", Text),
)
