"""The cart: made by create_cart, filled by add_to_cart, read by retrieve_cart.

Carts live in the process (the backlog declares no entity for them).
"""

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException

from backend.api.schemas.actions import (
    AddToCartRequest,
    CreateCartResponse,
    RetrieveCartRequest,
    RetrieveCartResponse,
)

router = APIRouter(tags=["actions"])
CARTS: dict[str, dict[int, int]] = {}  # cart id -> item id -> quantity


def _cart(cart_id: str) -> dict[int, int]:
    if cart_id not in CARTS:
        raise HTTPException(404, "Cart not found")
    return CARTS[cart_id]


@router.post("/create_cart", status_code=201, response_model=CreateCartResponse)
async def create_cart() -> Any:
    """Creates an empty cart and returns its id."""
    cart_id = str(uuid.uuid4())
    CARTS[cart_id] = {}
    return {"cart_id": cart_id}


@router.post(
    "/add_to_cart",
    status_code=200,
    responses={400: {"description": "Invalid input"}, 404: {"description": "Cart not found"}},
)
async def add_to_cart(body: AddToCartRequest) -> Any:
    """Adds a quantity of an item to a cart; an item already there adds to its quantity."""
    cart = _cart(body.cart_id)
    cart[body.item_id] = cart.get(body.item_id, 0) + body.quantity
    return {"cart_id": body.cart_id, "item_id": body.item_id, "quantity": cart[body.item_id]}


@router.post(
    "/retrieve_cart",
    status_code=200,
    response_model=RetrieveCartResponse,
    responses={400: {"description": "Invalid input"}, 404: {"description": "Cart not found"}},
)
async def retrieve_cart(body: RetrieveCartRequest) -> Any:
    """Returns the items of a cart."""
    cart = _cart(body.cart_id)
    return {"items": [{"item_id": item, "quantity": n} for item, n in sorted(cart.items())]}
