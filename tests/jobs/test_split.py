"""A backlog file into jobs: one per item, dependencies kept together, no credentials."""

from __future__ import annotations

from pathlib import Path

from agent.backlog.schema import Backlog
from agent.jobs.job import PRIORITY_LEVELS, Job
from agent.jobs.split import groups, jobs_from_backlog

ITEM = {"user_story": "As a user I want things.", "acceptance_criteria": ["ok"]}


def _backlog(*items: dict[str, object], **rest: object) -> Backlog:
    return Backlog.model_validate({"backlog_items": [ITEM | i for i in items], **rest})


def test_one_job_per_item_with_the_shared_sections() -> None:
    """Three independent items: three jobs, each carrying its item (priority kept) and the
    file's technical constraints and deployment target."""
    backlog = _backlog(
        {"id": "A-1", "priority": 10}, {"id": "B-1", "priority": 90}, {"id": "C-1", "priority": 50},
        technical_constraints={"stack": ["FastAPI"]}, deployment_target="staging",
    )  # fmt: skip
    jobs = jobs_from_backlog(backlog, clone_url="/srv/svc.git", issue=4)
    assert [[i["id"] for i in j.backlog["backlog_items"]] for j in jobs] == [
        ["A-1"],
        ["B-1"],
        ["C-1"],
    ]
    assert [j.priority for j in jobs] == [10, 90, 50]
    for job in jobs:
        assert job.backlog["technical_constraints"] == {"stack": ["FastAPI"]}
        assert job.backlog["deployment_target"] == "staging"
        assert (job.clone_url, job.issue) == ("/srv/svc.git", 4)
        Backlog.model_validate(job.backlog)  # a job's backlog is a valid backlog
    assert len({j.job_id for j in jobs}) == 3


def test_items_tied_by_dependencies_share_a_job() -> None:
    """B depends on A, D on C: two jobs ([A, B] and [C, D]); E alone is a third."""
    backlog = _backlog(
        {"id": "A", "priority": 1}, {"id": "B", "priority": 2, "depends_on": ["A"]},
        {"id": "C", "priority": 3}, {"id": "D", "priority": 4, "depends_on": ["C"]},
        {"id": "E", "priority": 5},
    )  # fmt: skip
    assert groups(backlog) == [["A", "B"], ["C", "D"], ["E"]]


def test_no_credentials_in_a_job() -> None:
    """An integration point's credentials stay out of the job message."""
    backlog = _backlog(
        {"id": "A-1", "priority": 5},
        integration_points=[{"service": "billing", "type": "REST", "credentials": "s3cr3t"}],
    )
    [job] = jobs_from_backlog(backlog, clone_url="/x")
    assert "s3cr3t" not in job.model_dump_json()
    assert job.backlog["integration_points"] == [{"service": "billing", "type": "REST"}]


def test_priority_folds_onto_amqp_levels_most_urgent_highest() -> None:
    """Priority follows the planner (100 runs first): 1-20 -> 0, ..., 81-100 -> 4; a job of
    several items takes its most urgent item's."""

    def level(*priorities: int) -> int:
        items = [{"id": f"I{n}", "priority": p} for n, p in enumerate(priorities)]
        return Job(backlog={"backlog_items": items}, clone_url="/x").amqp_priority

    assert [level(p) for p in (1, 20, 21, 50, 80, 81, 100)] == [0, 0, 1, 2, 3, 4, 4]
    assert level(5, 95) == PRIORITY_LEVELS - 1


def test_examples_split(tmp_path: Path) -> None:
    """The taskboard example splits into one job per item."""
    from agent.backlog import load_backlog

    backlog = load_backlog(Path(__file__).parents[2] / "examples" / "taskboard.json")
    jobs = jobs_from_backlog(backlog, clone_url=str(tmp_path))
    assert sorted(i for j in jobs for i in [j.backlog["backlog_items"][0]["id"]]) == sorted(
        item.id for item in backlog.backlog_items
    )
