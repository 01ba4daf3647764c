"""Business rules for Line (the reference solution of the eval task): a new line
gets its line total, and its invoice's subtotal, tax and total are recomputed."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.invoice import Invoice
from backend.domain.models.line import Line
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update"]
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    line_total = cents(Decimal(values["quantity"]) * Decimal(str(values["unit_price"])))
    invoice = await session.get(Invoice, values["invoice_id"])
    if invoice is None:
        raise RuleViolation("invoice not found", status=404)
    subtotal = cents(Decimal(str(invoice.subtotal or 0)) + line_total)
    tax = cents(subtotal * Decimal(str(invoice.tax_rate or 0)) / 100)
    invoice.subtotal, invoice.tax = float(subtotal), float(tax)
    invoice.total = float(subtotal + tax)
    return {**values, "line_total": float(line_total)}


async def before_update(
    session: AsyncSession, current: Line, changes: dict[str, Any]
) -> dict[str, Any]:
    return changes


async def before_delete(session: AsyncSession, current: Line) -> None:
    """Lines are not deleted in this task."""
