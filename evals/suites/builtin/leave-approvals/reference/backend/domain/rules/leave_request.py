"""Business rules for LeaveRequest (the reference solution of the eval task).

- [LEAVE-1] (rule) A new request is always pending, whatever the client sends
- [LEAVE-1] (rule) Only a pending request can be approved or rejected (409 otherwise)
- [LEAVE-1] (validation) end_date must not be before start_date (422)
- [LEAVE-1] (calculation) days: calendar days from start_date to end_date, both included
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.leave_request import LeaveRequest
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update"]


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    """A new request: dates in order, its days counted, and pending."""
    start, end = values["start_date"], values["end_date"]
    if end < start:
        raise RuleViolation("end_date must not be before start_date")
    return {**values, "days": (end - start).days + 1, "status": "pending"}


async def before_update(
    session: AsyncSession, current: LeaveRequest, changes: dict[str, Any]
) -> dict[str, Any]:
    """Only a pending request may be decided, once."""
    if "status" in changes and current.status != "pending":
        raise RuleViolation(f"the request is already {current.status}", status=409)
    return changes


async def before_delete(session: AsyncSession, current: LeaveRequest) -> None:
    """Leave requests may be deleted."""
