"""Business rules for Booking (the reference solution of the eval task): a lesson holds
at most `capacity` bookings; one more is refused with 409."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.booking import Booking
from backend.domain.models.lesson import Lesson
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update"]


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    lesson = await session.get(Lesson, values["lesson_id"])
    if lesson is None:
        raise RuleViolation("lesson not found", status=404)
    taken = select(func.count()).where(Booking.lesson_id == lesson.id, Booking.deleted_at.is_(None))
    if (await session.execute(taken)).scalar_one() >= (lesson.capacity or 0):
        raise RuleViolation("the lesson is full", status=409)
    return values


async def before_update(
    session: AsyncSession, current: Booking, changes: dict[str, Any]
) -> dict[str, Any]:
    return changes


async def before_delete(session: AsyncSession, current: Booking) -> None:
    """Bookings may be cancelled."""
