"""One authentic delivery -> ignored, refused, rejected with a comment, or a queued job.

Order: triage (event, action, label, bot, open issue) -> redelivery check -> the sender's
permission -> the issue as a backlog -> publish the `Job`. When GitHub or the queue fails
after the delivery id was remembered, the id is forgotten and the answer is 503, so
GitHub's redelivery is handled rather than dropped as a duplicate; so is a setting that is
missing (a GitHub App with no installation to act as), with its message as the reason.

The delivery's GitHub App installation (`installation.id`) goes with every GitHub call
made for it (the permission check, the comment) and into the job, for the worker's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog

from agent import crash
from agent.delivery.redact import strip_userinfo
from agent.errors import BacklogError, ConfigError
from agent.issues import Issue, issue_backlog
from agent.jobs.job import Job
from agent.webhook.answers import (
    Answer,
    Comment,
    ignored,
    problems_comment,
    queued_comment,
    refused,
)
from agent.webhook.dedup import Deduplicator
from agent.webhook.events import Ignored, IssuesEvent, MalformedEvent, triage
from agent.webhook.github_access import PermissionCheck, may_write
from agent.webhook.intake import Delivery

log = structlog.get_logger(__name__)
# Where the errors of the services a delivery depends on come from (GitHub, the queue, the
# deduplication store); any other exception is a bug.
EXTERNAL_MODULES = ("githubkit", "httpx", "httpcore", "aio_pika", "aiormq", "pamqp", "redis")


def external(exc: BaseException) -> bool:
    """Whether `exc` came from GitHub, the queue or Redis (a redelivery may succeed)."""
    module = type(exc).__module__.split(".")[0]
    foreseen = not crash.unexpected(exc)  # a DeliveryError naming GitHub's answer, say
    return foreseen or module in EXTERNAL_MODULES or isinstance(exc, OSError | TimeoutError)


class Publisher(Protocol):
    """Where jobs go: `agent.jobs.queue.JobQueue` (or anything with its `publish`)."""

    async def publish(self, job: Job) -> None: ...


@dataclass(frozen=True)
class JobTemplate:
    """What every job from this service carries besides the issue's backlog."""

    clone_url_template: str  # `{repository}`, `{owner}` and `{name}` are filled in
    model: str = "offline"
    base_url: str | None = None  # the model API's root the jobs' runs call (serve --base-url)

    def clone_url(self, repository: str) -> str:
        owner, name = repository.split("/", 1)
        return self.clone_url_template.format(repository=repository, owner=owner, name=name)


@dataclass
class Handler:
    """Acts on deliveries; built once per app with its collaborators."""

    label: str
    template: JobTemplate
    publisher: Publisher
    dedup: Deduplicator
    permissions: PermissionCheck

    async def handle(self, delivery: Delivery) -> tuple[Answer, Comment | None]:
        """The answer, and the comment to post on the issue afterwards (if any)."""
        bound = log.bind(delivery=delivery.id, event=delivery.event)
        try:
            triaged = triage(delivery.event, delivery.payload, self.label)
        except MalformedEvent as exc:
            bound.warning("webhook.malformed", problems=str(exc))
            return Answer(400, {"status": "refused", "reason": str(exc)}, "malformed"), None
        if isinstance(triaged, Ignored):
            bound.info("webhook.ignored", reason=triaged.reason)
            return ignored(triaged.reason, triaged.outcome), None
        if not await self.dedup.first_time(delivery.id):
            bound.info("webhook.duplicate", reason="delivery id seen before")
            return ignored("delivery already handled", "duplicate"), None
        try:
            return await self._act(triaged, bound)
        except ConfigError as exc:  # the operator must fix it; a redelivery then works
            await self.dedup.forget(delivery.id)
            bound.error("webhook.unconfigured", reason=str(exc))
            return refused(503, "unconfigured", str(exc)), None
        except Exception as exc:  # the edge of one delivery: GitHub or the queue failed
            await self.dedup.forget(delivery.id)
            return _failed(exc, bound), None

    async def _act(
        self, event: IssuesEvent, bound: structlog.typing.FilteringBoundLogger
    ) -> tuple[Answer, Comment | None]:
        repository, number = event.repository.full_name, event.issue.number
        installation = event.installation_id
        bound = bound.bind(
            repository=repository, issue=number, sender=event.sender.login,
            installation=installation,
        )  # fmt: skip
        role = await self.permissions.role(repository, event.sender.login, installation)
        if not may_write(role):
            reason = f"{event.sender.login} has {role!r} permission; write is needed"
            bound.info("webhook.forbidden", reason=reason)
            return ignored(reason, "forbidden"), None
        issue = Issue(number, event.issue.title, event.issue.body or "")
        try:
            backlog = issue_backlog(issue, planning=self.template.model != "offline")
        except BacklogError as exc:
            bound.info("webhook.invalid", problems=exc.problems)
            body = {"status": "invalid", "problems": exc.problems}
            comment = Comment(repository, number, problems_comment(exc.problems), installation)
            return Answer(202, body, "invalid"), comment
        job = Job(
            backlog=backlog,
            clone_url=self.template.clone_url(repository),
            repository=repository,
            issue=number,
            installation_id=installation,
            model=self.template.model,
            base_url=self.template.base_url,
            source="webhook",
        )
        await self.publisher.publish(job)
        bound.info("webhook.queued", job=job.job_id, priority=job.priority)
        answer = Answer(202, {"status": "queued", "job_id": job.job_id}, "queued")
        return answer, Comment(repository, number, queued_comment(job), installation)


def _failed(exc: Exception, bound: structlog.typing.FilteringBoundLogger) -> Answer:
    """503 when GitHub or the queue failed (a redelivery may work); 500 for a bug of ours,
    its traceback written to a file the log line names."""
    if not external(exc):
        found = crash.record(exc)
        bound.error("webhook.crashed", error=found.line())
        reason = "internal error; the service's log names its traceback file"
        return Answer(500, {"status": "failed", "reason": reason}, "failed")
    # URLs in messages (a broker's, say) may carry a password: never echo them raw
    bound.error("webhook.failed", error=strip_userinfo(f"{type(exc).__name__}: {exc}"))
    reason = f"{type(exc).__name__} from GitHub or the queue; redeliver to retry"
    return Answer(503, {"status": "failed", "reason": reason}, "failed")
