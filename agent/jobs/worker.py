"""`backend-agent worker`: take jobs off the queue one at a time and run them.

Prefetch 1. A job is acknowledged only once its run ended and its PR (or report) was
delivered; a run that raised is published again with one more attempt, and after the
last attempt its issue gets a failure comment and the job goes to the dead letters. A
worker killed outright leaves its job unacknowledged: the broker hands it to another
worker, which resumes it from its last checkpoint (see `execute`); a job whose workers
died `max_attempts` times running it is dead-lettered instead (its run record was left
`running` each time).

A job runs under its PostgreSQL advisory lock, so a delivery the broker hands out again
while its first worker still runs it (the broker's consumer timeout, 30 minutes by
default, took it back) waits instead of running twice; and under its work's lock, so a
second job for the same items of the same repo (an issue labelled again while its first
job runs) waits for the first, then continues its branch and updates its PR.

SIGTERM (or SIGINT) stops taking jobs; the running job's current graph step finishes
and is checkpointed, the job is requeued, and the worker exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time

from aio_pika.abc import AbstractIncomingMessage, AbstractQueueIterator

from agent import crash
from agent.jobs.execute import CrashLoop, JobBusy, JobDeps, report_failure, run_job
from agent.jobs.job import Job
from agent.jobs.metrics import WorkerMetrics
from agent.jobs.queue import JobQueue, attempts_of
from agent.report.verdict import verdict_line
from agent.runner import RunOutcome, RunStopped

log = logging.getLogger(__name__)
BUSY_DELAY_S = 5.0  # before handing back a job another worker is running


class Worker:
    """One consumer on one queue, running one job at a time."""

    def __init__(self, queue: JobQueue, deps: JobDeps, metrics: WorkerMetrics) -> None:
        self.queue, self.deps, self.metrics = queue, deps, metrics
        self.stopping = asyncio.Event()
        self.stop_run = threading.Event()  # seen by the run's thread between two steps

    def request_stop(self) -> None:
        log.info("stop requested: finishing the current step, then requeueing")
        self.stopping.set()
        self.stop_run.set()

    def install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)

    async def serve(self) -> None:
        """Take and handle jobs until a stop is requested."""
        async with self.queue.queue.iterator() as stream:
            while not self.stopping.is_set():
                message = await self._next(stream)
                if message is None:
                    break
                await self.handle(message)

    async def _next(self, stream: AbstractQueueIterator) -> AbstractIncomingMessage | None:
        """The next delivery, or None once a stop is requested (an unacked delivery left
        behind goes back to the queue when the channel closes)."""
        delivery = asyncio.ensure_future(anext(stream))
        stopped = asyncio.ensure_future(self.stopping.wait())
        done, _ = await asyncio.wait({delivery, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if delivery in done:
            return delivery.result()
        delivery.cancel()
        return None

    async def handle(self, message: AbstractIncomingMessage) -> None:
        """Run the delivered job; ack once it is delivered (see `_outcome` for the rest)."""
        try:
            job = Job.model_validate_json(message.body)
        except ValueError:
            log.error("message %s is not a job: dead-lettered", message.message_id)
            await message.reject(requeue=False)
            return
        log.info(
            "job %s received (attempt %d%s)", job.job_id, attempts_of(message) + 1,
            ", redelivered" if message.redelivered else "",
        )  # fmt: skip
        self.metrics.started()
        began = time.monotonic()
        try:
            outcome = await self._outcome(message, job)
        finally:
            self.metrics.ended()
        if outcome is not None:
            self.metrics.finished(outcome.report, time.monotonic() - began)
            await message.ack()
            log.info("job %s done: %s", job.job_id, verdict_line(outcome.report))

    async def _outcome(self, message: AbstractIncomingMessage, job: Job) -> RunOutcome | None:
        """The run's outcome; None when the delivery was settled otherwise: requeued
        (stopping, or busy on another worker) or retried / dead-lettered (it raised)."""
        try:
            return await asyncio.to_thread(run_job, job, self.deps, self.stop_run)
        except RunStopped:
            log.info("job %s stopped after a checkpoint: requeued", job.job_id)
            await message.nack(requeue=True)
        except CrashLoop as crashes:
            await self._dead(message, job, f"CrashLoop: {crashes}", attempts_of(message) + 1)
        except JobBusy as busy:
            log.warning("%s: requeued in %.0fs", busy, BUSY_DELAY_S)
            await asyncio.sleep(BUSY_DELAY_S)
            await message.nack(requeue=True)
        except Exception as exc:
            await self._failed(message, job, exc)
        return None

    async def _failed(self, message: AbstractIncomingMessage, job: Job, exc: Exception) -> None:
        """Publish the job again with one more attempt; after the last one, comment the
        failure on its issue (before the ack), then dead-letter it."""
        error = f"{type(exc).__name__}: {exc}"
        attempts = attempts_of(message) + 1
        log.warning("job %s attempt %d failed: %s", job.job_id, attempts, error)
        if crash.unexpected(exc):  # a bug: where its traceback went, and how it resumes
            found = crash.record(exc, self.deps.workdir / job.job_id)
            log.error("job %s: %s", job.job_id, found.line())
        self.metrics.failed.inc()
        if attempts >= self.queue.max_attempts:
            await self._dead(message, job, error, attempts)
        else:
            await self.queue.retry(message, error)

    async def _dead(
        self, message: AbstractIncomingMessage, job: Job, error: str, attempts: int
    ) -> None:
        """Comment the failure on the job's issue, then reject it to the dead letters."""
        log.error("job %s dead-lettered: %s", job.job_id, error)
        await asyncio.to_thread(report_failure, job, self.deps, error, attempts)
        self.metrics.dead.inc()
        await message.reject(requeue=False)
