"""Workers' checkpoints in PostgreSQL (`langgraph-checkpoint-postgres`), shared by all the
workers on one database, so any of them resumes a job another one started."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres import PostgresSaver

from agent.config import RunConfig
from agent.runner import Checkpointer, CheckpointerFactory
from agent.runs.store import RunsStore

_SETUP_LOCK = 7_007_001  # pg_advisory_lock key: one worker migrates at a time


@contextmanager
def postgres_saver(url: str) -> Iterator[PostgresSaver]:
    with PostgresSaver.from_conn_string(url) as saver:
        yield saver


def postgres_checkpointer(url: str) -> CheckpointerFactory:
    """The checkpointer factory a worker hands to `runner.drive`."""

    def make(config: RunConfig) -> Checkpointer:
        return postgres_saver(url)

    return make


def setup_database(url: str, wait_s: float = 300) -> None:
    """Create (or migrate) the checkpoint and runs tables, one worker at a time.

    The lock is polled (`pg_try_advisory_lock`), never waited on in a statement: the
    checkpointer's migrations build indexes CONCURRENTLY, which wait for every open
    statement, a blocked `pg_advisory_lock` too, and two workers starting together
    would each wait for the other."""
    with psycopg.connect(url, autocommit=True) as lock:
        deadline = time.monotonic() + wait_s
        while not _try_lock(lock, _SETUP_LOCK):
            if time.monotonic() > deadline:
                raise TimeoutError(f"another worker kept the setup lock for {wait_s:.0f}s")
            time.sleep(0.2)
        try:
            with postgres_saver(url) as saver:
                saver.setup()
            RunsStore.open(url).close()
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))


def _try_lock(conn: psycopg.Connection[Any], key: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


@contextmanager
def job_lock(url: str, job_id: str) -> Iterator[bool]:
    """Hold the job's advisory lock (a session lock: released when the holder's connection
    ends, a killed worker's included) for the block; False when another worker holds it,
    e.g. one whose delivery the broker took back after its consumer timeout."""
    with advisory_lock(url, job_id) as mine:
        yield mine


@contextmanager
def advisory_lock(url: str, name: str) -> Iterator[bool]:
    """Hold the session advisory lock named `name` for the block, if nobody else holds it."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with psycopg.connect(url, autocommit=True) as conn:
        mine = _try_lock(conn, key)
        try:
            yield mine
        finally:
            if mine:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def has_checkpoint(url: str, thread_id: str) -> bool:
    thread: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    with postgres_saver(url) as saver:
        return saver.get_tuple(thread) is not None


def forget(url: str, thread_id: str) -> None:
    """Drop a thread's checkpoints (its clone is gone: the job starts over)."""
    with postgres_saver(url) as saver:
        saver.delete_thread(thread_id)
