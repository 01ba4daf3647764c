"""The `agent.backend` queue on RabbitMQ, through aio-pika.

Topology (declared, idempotently, by every `JobQueue.connect`):

    <queue>        durable, `x-max-priority` = PRIORITY_LEVELS, dead-letters to <queue>.dead
    <queue>.dead   a durable direct exchange and a durable queue bound to it: jobs that
                   failed their attempts, kept for an operator to read

Messages are persistent JSON `Job`s, `message_id` = job id, `priority` = the job's AMQP
priority, published with publisher confirms (`publish` returns once the broker has the
message). Attempts are counted in the `x-attempts` header: a job whose run raised is
published again with the count raised by one (`retry`), and after `max_attempts` it is
rejected without requeue, which the broker routes to `<queue>.dead`. A job whose worker
died is redelivered by the broker as it is (`redelivered` set): that is a resume, not an
attempt.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from agent.jobs.job import PRIORITY_LEVELS, QUEUE, Job

ATTEMPTS = "x-attempts"
FAILURE = "x-failure"
MAX_ATTEMPTS = 3


def dead_letter_name(queue: str) -> str:
    """The dead-letter exchange and queue of `queue`."""
    return f"{queue}.dead"


def attempts_of(message: AbstractIncomingMessage) -> int:
    """How many times the job of `message` has already failed (0 on its first delivery)."""
    value = (message.headers or {}).get(ATTEMPTS, 0)
    return int(value) if isinstance(value, int | str) else 0


class JobQueue:
    """One connection and channel to the broker, bound to one queue name."""

    def __init__(
        self,
        connection: AbstractRobustConnection,
        channel: AbstractChannel,
        queue: AbstractQueue,
        dead: AbstractQueue,
        *,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.connection = connection
        self.channel = channel
        self.queue = queue
        self.dead = dead
        self.max_attempts = max_attempts

    @property
    def name(self) -> str:
        return self.queue.name

    @classmethod
    async def connect(
        cls,
        amqp_url: str,
        queue: str = QUEUE,
        *,
        prefetch: int | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> JobQueue:
        """Connect, open a confirming channel, declare the queue and its dead letters.
        `prefetch` bounds unacknowledged deliveries (a worker passes 1)."""
        connection = await aio_pika.connect_robust(amqp_url)
        try:
            channel = await connection.channel(publisher_confirms=True)
            if prefetch is not None:
                await channel.set_qos(prefetch_count=prefetch)
            dead = await _declare_dead_letters(channel, queue)
            main = await channel.declare_queue(
                queue,
                durable=True,
                arguments={
                    "x-max-priority": PRIORITY_LEVELS,
                    "x-dead-letter-exchange": dead_letter_name(queue),
                    "x-dead-letter-routing-key": queue,
                },
            )
        except BaseException:
            await connection.close()
            raise
        return cls(connection, channel, main, dead, max_attempts=max_attempts)

    async def publish(self, job: Job, *, attempts: int = 0, failure: str | None = None) -> None:
        """Put `job` on the queue; returns when the broker confirmed it."""
        headers: dict[str, Any] = {ATTEMPTS: attempts}
        if failure is not None:
            headers[FAILURE] = failure[-2000:]
        message = aio_pika.Message(
            body=job.model_dump_json().encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            priority=job.amqp_priority,
            message_id=job.job_id,
            headers=headers,
        )
        await self.channel.default_exchange.publish(message, routing_key=self.name)

    async def retry(self, message: AbstractIncomingMessage, failure: str) -> bool:
        """The job of `message` failed: publish it again with one more attempt (then ack
        this delivery), or after `max_attempts` reject it to the dead letters. True when
        it was dead-lettered."""
        attempts = attempts_of(message) + 1
        if attempts >= self.max_attempts:
            await message.reject(requeue=False)
            return True
        job = Job.model_validate_json(message.body)
        await self.publish(job, attempts=attempts, failure=failure)
        await message.ack()
        return False

    async def deliveries(self) -> AsyncIterator[AbstractIncomingMessage]:
        """Messages as the broker delivers them (the caller acks, nacks or retries)."""
        async with self.queue.iterator() as stream:
            async for message in stream:
                yield message

    async def depth(self) -> int:
        """Messages ready for delivery (not counting those delivered and not yet acked)."""
        return await _ready(self.queue)

    async def dead_depth(self) -> int:
        """Jobs waiting in the dead-letter queue."""
        return await _ready(self.dead)

    async def delete(self) -> None:
        """Remove the queue, its dead-letter queue and exchange (tests' own queues)."""
        await self.queue.delete(if_unused=False, if_empty=False)
        await self.dead.delete(if_unused=False, if_empty=False)
        await self.channel.exchange_delete(dead_letter_name(self.name))

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> JobQueue:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def _declare_dead_letters(channel: AbstractChannel, queue: str) -> AbstractQueue:
    name = dead_letter_name(queue)
    exchange: AbstractExchange = await channel.declare_exchange(
        name, aio_pika.ExchangeType.DIRECT, durable=True
    )
    dead = await channel.declare_queue(name, durable=True)
    await dead.bind(exchange, routing_key=queue)
    return dead


async def _ready(queue: AbstractQueue) -> int:
    """Declare `queue` again (same arguments: a no-op) for the broker's current count."""
    result = await queue.declare()
    return int(result.message_count or 0)
