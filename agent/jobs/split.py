"""A backlog file into jobs: one job per item, with the file's other sections.

Items that depend on each other (`depends_on`) cannot run on different workers in any
order, so each group connected by dependencies becomes one job (an item alone, usually).
Credentials an integration point declares stay out: no secret goes into a job message.
"""

from __future__ import annotations

from typing import Any

from agent.backlog.schema import Backlog
from agent.jobs.job import Job


def groups(backlog: Backlog) -> list[list[str]]:
    """Item ids grouped by dependencies (either direction), in the file's order."""
    parent = {item.id: item.id for item in backlog.backlog_items}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    for item in backlog.backlog_items:
        for dependency in item.depends_on:
            if dependency in parent:
                parent[root(dependency)] = root(item.id)
    grouped: dict[str, list[str]] = {}
    for item in backlog.backlog_items:
        grouped.setdefault(root(item.id), []).append(item.id)
    return list(grouped.values())


def shared_sections(backlog: Backlog) -> dict[str, Any]:
    """Everything of the file but its items, without integration points' credentials."""
    data = backlog.model_dump(mode="json", exclude={"backlog_items"}, exclude_defaults=True)
    for point in data.get("integration_points", []):
        point.pop("credentials", None)
    return data


def jobs_from_backlog(backlog: Backlog, **fields: Any) -> list[Job]:
    """The jobs of a backlog; `fields` are the jobs' other fields (clone_url, issue, ...)."""
    by_id = {item.id: item for item in backlog.backlog_items}
    shared = shared_sections(backlog)
    jobs = []
    for ids in groups(backlog):
        items = [by_id[i].model_dump(mode="json", exclude_defaults=True) for i in ids]
        for item in items:
            item.setdefault("priority", by_id[item["id"]].priority)
        jobs.append(Job(backlog={"backlog_items": items, **shared}, **fields))
    return jobs
