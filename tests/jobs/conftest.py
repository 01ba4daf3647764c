"""Fixtures of the queue and worker tests: a private queue name on the machine's RabbitMQ,
a fresh PostgreSQL database, both removed afterwards."""

from __future__ import annotations

import asyncio
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
