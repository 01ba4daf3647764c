"""Business rules for Invoice (the reference solution of the eval task): a new invoice
has no lines, so its subtotal, tax and total are 0."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.invoice import Invoice
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update"]


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "subtotal": 0.0, "tax": 0.0, "total": 0.0}


async def before_update(
    session: AsyncSession, current: Invoice, changes: dict[str, Any]
) -> dict[str, Any]:
    return changes


async def before_delete(session: AsyncSession, current: Invoice) -> None:
    """Invoices may be deleted."""
