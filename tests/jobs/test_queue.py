"""The job queue on a real RabbitMQ: durable priorities, confirms, attempts, dead letters."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from agent.jobs.job import Job
from agent.jobs.queue import ATTEMPTS, JobQueue
from tests.jobs.conftest import AMQP_URL


def _job(priority: int, name: str = "A-1") -> Job:
    item = {"id": name, "priority": priority}
    return Job(backlog={"backlog_items": [item]}, clone_url="/nowhere")


def test_publish_depth_and_priority_order(queue_name: str) -> None:
    """Published jobs are counted as ready; a consumer gets the most urgent first (highest
    item priority, as the planner orders items), with the job id as message id."""

    async def scenario() -> list[tuple[str | None, int]]:
        async with await JobQueue.connect(AMQP_URL, queue_name, prefetch=1) as queue:
            jobs = [_job(10, "LOW"), _job(100, "URGENT"), _job(50, "MID")]
            for job in jobs:
                await queue.publish(job)
            assert await queue.depth() == 3
            seen = []
            async with aclosing(queue.deliveries()) as stream:
                async for message in stream:
                    job = Job.model_validate_json(message.body)
                    assert message.message_id == job.job_id
                    item = job.backlog["backlog_items"][0]["id"]
                    seen.append((item, message.priority or 0))
                    await message.ack()
                    if len(seen) == 3:
                        break
            assert await queue.depth() == 0
            return seen

    seen = asyncio.run(scenario())
    assert [name for name, _ in seen] == ["URGENT", "MID", "LOW"]
    assert [p for _, p in seen] == [4, 2, 0]


def test_retry_counts_attempts_then_dead_letters(queue_name: str) -> None:
    """A failing job comes back with `x-attempts` raised by one and the failure in a header;
    at `max_attempts` it goes to `<queue>.dead` and the queue is empty."""

    async def scenario() -> list[int]:
        queue = await JobQueue.connect(AMQP_URL, queue_name, prefetch=1, max_attempts=3)
        await queue.publish(_job(10))
        counts = []
        async with aclosing(queue.deliveries()) as stream:
            async for message in stream:
                counts.append(int((message.headers or {}).get(ATTEMPTS, 0)))
                if await queue.retry(message, "boom"):
                    break
        await asyncio.sleep(0.2)
        assert await queue.depth() == 0 and await queue.dead_depth() == 1
        await queue.close()
        return counts

    assert asyncio.run(scenario()) == [0, 1, 2]
