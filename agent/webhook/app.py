"""The FastAPI app of `backend-agent serve`: `POST /webhooks/github`, `/health`, `/metrics`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import structlog
from fastapi import BackgroundTasks, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from agent.config import Settings
from agent.webhook.answers import Answer, Comment, refused
from agent.webhook.dedup import Deduplicator, RedisDeduplicator
from agent.webhook.github_access import (
    ForgeFactory,
    PermissionCheck,
    github_forges,
    github_permissions,
)
from agent.webhook.handler import Handler, JobTemplate, Publisher
from agent.webhook.intake import Delivery, admit
from agent.webhook.metrics import WebhookMetrics

log = structlog.get_logger(__name__)
MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass
class WebhookService:
    """What the routes share: the secret, the handler, the forges, the metrics."""

    settings: Settings
    handler: Handler
    forges: ForgeFactory
    metrics: WebhookMetrics

    async def post(self, comment: Comment) -> None:
        """Post `comment` (after the answer went out); a failure is logged, not raised."""
        try:
            forge = self.forges(comment.repository, comment.installation)
            await asyncio.to_thread(forge.comment_on_issue, comment.issue, comment.body)
        except Exception as exc:  # a background task's edge: nobody is left to raise to
            log.error(
                "webhook.comment_failed",
                repository=comment.repository,
                issue=comment.issue,
                error=f"{type(exc).__name__}: {exc}",
            )


def create_app(
    settings: Settings,
    publisher: Publisher,
    *,
    model: str = "offline",
    base_url: str | None = None,
    dedup: Deduplicator | None = None,
    permissions: PermissionCheck | None = None,
    forge_factory: ForgeFactory | None = None,
    lifespan: Lifespan | None = None,
) -> FastAPI:
    """The webhook app. Collaborators left out are built from `settings` (Redis at
    BACKEND_AGENT_WEBHOOK_REDIS_URL; GitHub at GITHUB_API_URL with GITHUB_TOKEN or the App)."""
    handler = Handler(
        label=settings.backend_agent_label,
        template=JobTemplate(settings.backend_agent_clone_url_template, model, base_url),
        publisher=publisher,
        dedup=dedup or RedisDeduplicator(
            settings.backend_agent_webhook_redis_url, settings.backend_agent_webhook_dedup_ttl_s
        ),
        permissions=permissions or github_permissions(settings),
    )  # fmt: skip
    service = WebhookService(
        settings, handler, forge_factory or github_forges(settings), WebhookMetrics()
    )
    app = FastAPI(title="backend-agent webhook", lifespan=lifespan)
    app.state.webhook = service
    _routes(app, service)
    return app


def _routes(app: FastAPI, service: WebhookService) -> None:
    @app.post("/webhooks/github")
    async def receive(request: Request, background: BackgroundTasks) -> JSONResponse:
        """One GitHub delivery: refused (4xx/503), ignored (202) or queued (202 + job id)."""
        body = await _bounded_body(request, MAX_BODY_BYTES)
        if body is None:
            reason = f"the body is over {MAX_BODY_BYTES} bytes (GitHub never sends more)"
            admitted: Delivery | Answer = refused(413, "malformed", reason)
        else:
            admitted = admit(service.settings.github_webhook_secret, request.headers, body)
        comment = None
        if isinstance(admitted, Answer):
            answer = admitted
            log.warning("webhook.refused", status=answer.status, reason=answer.body["reason"])
        else:
            answer, comment = await service.handler.handle(admitted)
        service.metrics.deliveries.labels(outcome=answer.outcome).inc()
        if answer.outcome == "queued":
            service.metrics.jobs_queued.inc()
        if comment is not None:
            background.add_task(service.post, comment)
        return JSONResponse(answer.body, status_code=answer.status)

    @app.get("/health")
    async def health() -> dict[str, object]:
        """Alive; `accepting` is false while no webhook secret is configured."""
        secret = service.settings.github_webhook_secret
        return {"status": "ok", "accepting": bool(secret and secret.get_secret_value())}

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(service.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `limit` (from Content-Length, or
    while streaming): an oversized delivery is refused before it is held in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
