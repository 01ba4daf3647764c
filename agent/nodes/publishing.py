"""publish: push the run's branch and open (or update) its pull request, from the report.

Runs after `report`. The pull request it would open is always written beside the report
(`pull_request.md`); only a run asked to (`--open-pr`) pushes and calls the forge, and a
dry run stops at the preview. Idempotent: the push is a no-op when the remote branch is
already there, and the forge updates the open pull request of the branch. The sha pushed
last is kept in the state as the lease of the next push.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agent.config import RunConfig
from agent.context import RunContext
from agent.delivery.forge import pr_body
from agent.delivery.push import push_branch
from agent.errors import ConfigError
from agent.report.markdown import pr_title, render_markdown, render_pr_body
from agent.report.schema import Delivery, PullRequestRef, Report
from agent.report.verdict import verdict_line
from agent.state import RunState

NO_PR = "--no-pr: the run was not asked to open a pull request; the commits stay local"
DRY_RUN = "dry run: the pull request was printed (pull_request.md), not opened; nothing pushed"


def is_draft(report: Report) -> bool:
    """A pull request is a draft when any item failed its gates or is incomplete (criteria
    not proven, rules not implemented), ready for review only when every item passed."""
    return any(item.status != "passed" for item in report.items)


def pull_request_body(report: Report, config: RunConfig) -> str:
    """The body as sent: the report for reviewers, paths relative to the repo, `Closes #N`."""
    text = render_pr_body(report).replace(f"{config.repo}/", "")
    return pr_body(text, config.issue)


def preview(report: Report, config: RunConfig) -> str:
    """The pull request as it would be sent: its fields, then its body."""
    closes = f"#{config.issue}" if config.issue else "-"
    fields = [
        f"title: {pr_title(report)}",
        f"head: {config.branch} -> base: {config.base}",
        f"draft: {'yes' if is_draft(report) else 'no'}",
        f"labels: {', '.join(config.labels) or '-'}",
        f"closes: {closes}",
    ]
    return "\n".join(fields) + "\n\n" + pull_request_body(report, config)


def _open_pr(ctx: RunContext, report: Report, lease: str | None) -> Delivery:
    """Push the branch (fast-forward, or over our own last push), then open or update."""
    config, forge = ctx.config, ctx.forge
    if forge is None or config.branch is None:
        raise ConfigError("--open-pr: no forge was configured for this run")
    base = config.base or "main"
    pushed = push_branch(
        config.repo,
        config.branch,
        remote=config.remote,
        credentials=forge.git_credentials(),
        lease=lease,
    )
    pull = forge.open_or_update_pr(
        head=config.branch,
        base=base,
        title=pr_title(report),
        body=pull_request_body(report, config),
        draft=is_draft(report),
        labels=config.labels,
        closes_issue=config.issue,
    )
    ref = PullRequestRef(number=pull.number, url=pull.url, draft=pull.draft, created=pull.created)
    return Delivery(
        branch=config.branch, base=base, remote=pushed.remote, pushed_sha=pushed.sha,
        pull_request=ref,
    )  # fmt: skip


def publish(state: RunState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Push and open (or update) the pull request when asked; record it in the report."""
    ctx, config = runtime.context, runtime.context.config
    path = Path(state.get("report_path") or config.run_dir / "report.json")
    report = Report.model_validate_json(path.read_text())
    report.delivery = None  # the body describes the work, not this step
    (config.run_dir / "pull_request.md").write_text(preview(report, config))
    if not config.open_pr:
        delivery = Delivery(branch=config.branch, base=config.base, skipped=NO_PR)
    elif config.dry_run:
        delivery = Delivery(branch=config.branch, base=config.base, skipped=DRY_RUN)
    else:
        lease = (state.get("delivery") or {}).get("pushed_sha")
        delivery = _open_pr(ctx, report, lease)
    report.delivery = delivery
    path.write_text(report.model_dump_json(indent=2))
    (config.run_dir / "report.md").write_text(render_markdown(report))
    said = f"{verdict_line(report)}; {_said(delivery)}"
    ctx.record("publish", **delivery.model_dump(mode="json"), message=said)
    return {"delivery": delivery.model_dump(mode="json")}


def _said(delivery: Delivery) -> str:
    pr = delivery.pull_request
    if pr is None:
        return delivery.skipped or "nothing published"
    verb = "opened" if pr.created else "updated"
    state = "draft" if pr.draft else "ready"
    sha = (delivery.pushed_sha or "")[:10]
    return f"pushed {sha} to {delivery.remote}; pull request #{pr.number} {verb} ({state}) {pr.url}"
