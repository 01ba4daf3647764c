"""Business rules for Trip (the reference solution of the eval task): a new trip's fuel
from its vehicle's consumption, and its cost, both rounded half up to cents."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.trip import Trip
from backend.domain.models.vehicle import Vehicle
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update"]
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    vehicle = await session.get(Vehicle, values["vehicle_id"])
    if vehicle is None:
        raise RuleViolation("vehicle not found", status=404)
    consumption = Decimal(str(vehicle.consumption_l_per_100km or 0))
    litres = cents(Decimal(str(values["distance_km"])) * consumption / 100)
    cost = cents(litres * Decimal(str(values["fuel_price_per_litre"])))
    return {**values, "fuel_litres": float(litres), "cost": float(cost)}


async def before_update(
    session: AsyncSession, current: Trip, changes: dict[str, Any]
) -> dict[str, Any]:
    return changes


async def before_delete(session: AsyncSession, current: Trip) -> None:
    """Trips may be deleted."""
