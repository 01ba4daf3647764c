"""Which deliveries the service acts on: an `issues` event, action `labeled`, with the
trigger label, on an open issue, by a person (never a bot). Everything else is `Ignored`
with the reason the log and the answer give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.backlog.loader import schema_problems


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Account(_Part):
    login: str
    type: str = "User"

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.endswith("[bot]")


class Label(_Part):
    name: str


class IssuePart(_Part):
    number: int
    title: str
    body: str | None = None
    state: str = "open"


class Repository(_Part):
    full_name: str


class Installation(_Part):
    id: int


class IssuesEvent(_Part):
    """The fields of an `issues` webhook payload the service reads."""

    action: str
    issue: IssuePart
    repository: Repository
    sender: Account
    label: Label | None = None
    # A GitHub App's delivery names the installation the repository belongs to; a
    # repository's own webhook names none.
    installation: Installation | None = None

    @property
    def installation_id(self) -> int | None:
        return self.installation.id if self.installation else None


@dataclass(frozen=True)
class Ignored:
    """A delivery the service does nothing with, and why (`outcome` labels the metric)."""

    reason: str
    outcome: str = "ignored"


class MalformedEvent(ValueError):
    """A signed `issues` payload without the fields every such payload has."""


def triage(event: str, payload: Any, label: str) -> IssuesEvent | Ignored:
    """The labelled issue to act on, or why this delivery is ignored."""
    if event != "issues":
        return Ignored(f"event {event!r} is not handled (only `issues`)")
    try:
        parsed = IssuesEvent.model_validate(payload)
    except ValidationError as exc:
        raise MalformedEvent("; ".join(schema_problems(exc))) from None
    if parsed.action != "labeled":
        return Ignored(f"action {parsed.action!r} is not `labeled`")
    # GitHub label names are unique regardless of case (Actions' `==` ignores case too)
    if parsed.label is None or parsed.label.name.casefold() != label.casefold():
        name = parsed.label.name if parsed.label else None
        return Ignored(f"label {name!r} is not the trigger label {label!r}")
    if parsed.sender.is_bot:
        return Ignored(f"the label was added by a bot ({parsed.sender.login})", "bot")
    if parsed.issue.state != "open":
        return Ignored(f"issue #{parsed.issue.number} is {parsed.issue.state}")
    return parsed
