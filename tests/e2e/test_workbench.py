"""The model's workbench in a whole run (scripted model, local sandbox): it sends the
service a request with `http_request` (the scaffold's 501), adds the tables a cart needs
to the models and makes their migration with `make_migration`, implements the actions on
them, checks with `http_request` that the cart now answers, and finishes. Every gate
passes, the migrations gate included (the model's migration follows the scaffold's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.models.base import ToolCall
from agent.report.schema import Report
from tests.e2e import notes_flow as flow
from tests.e2e.helpers import cli, run_dir
from tests.e2e.test_actions import CART_TESTS, DATA, ROUTER, TESTS, _formatted, _gaps

pytestmark = pytest.mark.slow
MODELS = "backend/domain/models/cart.py"
TABLES = '''"""Carts and their lines: the backlog declares no entity, so the model adds these."""

import uuid

from sqlalchemy import BigInteger, ForeignKey, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from backend.infrastructure.db import Base


class Cart(Base):
    __tablename__ = "carts"


class CartLine(Base):
    __tablename__ = "cart_lines"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("carts.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(BigInteger())
    quantity: Mapped[int] = mapped_column(BigInteger())
'''
STORED_CART = '''"""The cart, kept in the carts and cart_lines tables."""

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.deps import SessionDep
from backend.api.schemas.actions import (
    AddToCartRequest,
    CreateCartResponse,
    RetrieveCartRequest,
    RetrieveCartResponse,
)
from backend.domain.models.cart import Cart, CartLine

router = APIRouter(tags=["actions"])


async def _cart(session: AsyncSession, cart_id: str) -> Cart:
    try:
        key = uuid.UUID(cart_id)
    except ValueError:
        raise HTTPException(404, "Cart not found") from None
    cart = await session.get(Cart, key)
    if cart is None or cart.deleted_at is not None:
        raise HTTPException(404, "Cart not found")
    return cart


@router.post("/create_cart", status_code=201, response_model=CreateCartResponse)
async def create_cart(session: SessionDep) -> Any:
    """Creates an empty cart and returns its id."""
    cart = Cart(id=uuid.uuid4())
    session.add(cart)
    await session.commit()
    return {"cart_id": str(cart.id)}


@router.post(
    "/add_to_cart",
    status_code=200,
    responses={400: {"description": "Invalid input"}, 404: {"description": "Cart not found"}},
)
async def add_to_cart(session: SessionDep, body: AddToCartRequest) -> Any:
    """Adds a quantity of an item to a cart; an item already there adds to its quantity."""
    cart = await _cart(session, body.cart_id)
    found = select(CartLine).where(CartLine.cart_id == cart.id, CartLine.item_id == body.item_id)
    line = (await session.execute(found.with_for_update())).scalar_one_or_none()
    if line is None:
        line = CartLine(cart_id=cart.id, item_id=body.item_id, quantity=0)
        session.add(line)
    line.quantity += body.quantity
    await session.commit()
    return {"cart_id": body.cart_id, "item_id": body.item_id, "quantity": line.quantity}


@router.post(
    "/retrieve_cart",
    status_code=200,
    response_model=RetrieveCartResponse,
    responses={400: {"description": "Invalid input"}, 404: {"description": "Cart not found"}},
)
async def retrieve_cart(session: SessionDep, body: RetrieveCartRequest) -> Any:
    """Returns the items of a cart."""
    cart = await _cart(session, body.cart_id)
    mine = select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.item_id)
    lines = await session.scalars(mine)
    return {"items": [{"item_id": line.item_id, "quantity": line.quantity} for line in lines]}
'''


def _script(path: Path) -> Path:
    """Look, add tables and their migration, implement, look again, finish."""
    backlog = DATA / "cart.json"
    create = {"method": "POST", "path": "/create_cart"}
    replies = [
        flow.turn("What does the cart answer now?", flow.call("h1", "http_request", **create)),
        flow.turn(
            "A 501 stub. The cart must keep data: two tables and their migration.",
            flow.call("w1", "write_file", path=MODELS, content=_formatted(TABLES)),
            ToolCall(id="m1", name="make_migration", arguments={"name": "add carts"}),
        ),
        flow.turn(
            "Implementing the actions on the tables, with tests.",
            flow.call("w2", "write_file", path=ROUTER, content=_formatted(STORED_CART)),
            flow.call("w3", "write_file", path=TESTS, content=_formatted(CART_TESTS)),
            flow.call("h2", "http_request", **create),
        ),
        flow.turn(
            "",
            flow.call(
                "f1",
                "finish",
                summary="the cart on two tables of its own",
                implemented=_gaps(backlog),
                not_implemented=[],
            ),
        ),
    ]
    seen = {
        1: ["POST /create_cart -> 501"],
        2: ["wrote alembic/versions/", "op.create_table(", '"cart_lines"'],
        3: ["POST /create_cart -> 201"],
    }
    return flow.write_script(path, replies, seen)


def test_a_model_looks_with_http_request_and_adds_tables_with_make_migration(
    tmp_path: Path,
) -> None:
    """The run ends passed with every gate; the model's migration is in the repo after the
    scaffold's, and the migrations gate ran it up, down and up again."""
    repo = tmp_path / "svc"
    done = cli(
        "run",
        str(DATA / "cart.json"),
        "--repo",
        str(repo),
        "--sandbox",
        "local",
        "--model",
        f"scripted:{_script(tmp_path / 'script.jsonl')}",
        "--p95-ms",
        "2000",
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    [item] = report.items
    assert item.status == "passed" and item.repair_iterations == 0
    made = list((repo / "alembic" / "versions").glob("*add_carts*.py"))
    assert len(made) == 1 and "op.create_table" in made[0].read_text()
    gates = {g.name: g for g in item.gates}
    assert gates["migrations"].passed
