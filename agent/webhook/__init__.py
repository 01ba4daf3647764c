"""`backend-agent serve`: the GitHub webhook service that turns a labelled issue into a job.

    POST /webhooks/github   a GitHub delivery (X-Hub-Signature-256 over the raw body)
    GET  /health            alive; `accepting` is false while no secret is configured
    GET  /metrics           Prometheus: deliveries by outcome, jobs queued

Answers: 503 with no `GITHUB_WEBHOOK_SECRET` (fail closed: nothing is accepted), 401 for
a missing or wrong signature, 400 for missing headers or a body that is not JSON, 202
for everything authentic: `ignored` (another event, action or label, a bot, a closed
issue, a redelivered id, a sender without write permission), `invalid` (the issue is
not a valid backlog item; the problems are commented on the issue), or `queued` with
the `job_id` (commented on the issue too). 503 `failed` when GitHub or the queue failed;
the delivery id is then forgotten so a redelivery is handled.

Building the app (tests, another process, an ASGI server):

    queue = await JobQueue.connect(amqp_url, "agent.backend")
    app = create_app(settings, queue)                      # everything else from settings
    app = create_app(settings, queue, model="anthropic:claude-sonnet-4-5",
                     dedup=RedisDeduplicator(url, ttl_s),   # or any `Deduplicator`
                     permissions=GitHubPermissions(credentials, api_url),
                     forge_factory=lambda repo, installation: my_forge)  # for comments

`settings` gives the secret, the trigger label (`BACKEND_AGENT_LABEL`, default
`agent:backend`), the clone URL template (`BACKEND_AGENT_CLONE_URL_TEMPLATE`,
`{repository}` = owner/name), Redis for delivery ids, and GitHub's URL and credentials.
With a GitHub App, each delivery's calls act as the installation it names (the payload's
`installation.id`), else as `GITHUB_APP_INSTALLATION_ID`; with neither, 503.
Comments are posted after the answer is sent (a background task), so GitHub gets its
answer without waiting for them.
"""

from agent.webhook.app import create_app
from agent.webhook.dedup import Deduplicator, RedisDeduplicator
from agent.webhook.github_access import GitHubPermissions, PermissionCheck, github_forges
from agent.webhook.handler import JobTemplate, Publisher
from agent.webhook.signature import sign

__all__ = [
    "Deduplicator",
    "GitHubPermissions",
    "JobTemplate",
    "PermissionCheck",
    "Publisher",
    "RedisDeduplicator",
    "create_app",
    "github_forges",
    "sign",
]
