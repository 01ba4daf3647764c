"""Fixtures of the queue and worker tests: a private queue name on the machine's RabbitMQ,
a fresh PostgreSQL database, both removed afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from agent.jobs.queue import JobQueue

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture
def queue_name() -> Iterator[str]:
    """`agent.backend.test-<uuid>`, deleted (with its dead letters) after the test."""
    name = f"agent.backend.test-{uuid.uuid4().hex[:8]}"
    yield name

    async def drop() -> None:
        queue = await JobQueue.connect(AMQP_URL, name)
        await queue.delete()
        await queue.close()

    asyncio.run(drop())


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
        check=True, capture_output=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"},
    )  # fmt: skip


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (its URL), dropped afterwards."""
    name = f"ba_test_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
