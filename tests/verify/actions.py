"""Actions implemented by hand in a scaffolded service, as a model would write them in place
of the scaffold's 501 stubs: the calculator (tests/data/calculator.json: one POST that
computes, 200, 400 for invalid input and for a division by zero) and the cart
(tests/data/cart.json: create_cart answers `{cart_id}` and no `id`, add_to_cart and
retrieve_cart take that `cart_id`, 404 for a cart nobody made).

Each stub's body is replaced, and its 501 taken out of the documented responses (what the
stub's docstring asks for, and what tells the probes it is implemented)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.verify.service import plant

DATA = Path(__file__).parents[1] / "data"
CALCULATOR = DATA / "calculator.json"
CART = DATA / "cart.json"
ROUTER = "backend/api/routers/actions.py"
STUB = '    raise HTTPException(501, "not implemented yet: {where}")\n'

COMPUTE = """    # a division by zero, or a result too large for a number, is invalid input (400)
    if body.operation == "divide" and body.b == 0:
        raise HTTPException(400, "division by zero")
    result = {
        "add": lambda: body.a + body.b,
        "subtract": lambda: body.a - body.b,
        "multiply": lambda: body.a * body.b,
        "divide": lambda: body.a / body.b,
    }[body.operation]()
    if not math.isfinite(result):
        raise HTTPException(400, "the result is too large")
    return {"result": result}
"""
CARTS = """

CARTS: dict[str, dict[int, int]] = {}  # cart id -> item id -> quantity (one process)


def _cart(cart_id: str) -> dict[int, int]:
    cart = CARTS.get(cart_id)
    if cart is None:
        raise HTTPException(404, "cart not found")
    return cart
"""
CREATE = """    cart_id = str(uuid.uuid4())
    CARTS[cart_id] = {}
    return {"cart_id": cart_id}
"""
ADD = """    cart = _cart(body.cart_id)
    cart[body.item_id] = cart.get(body.item_id, 0) + body.quantity
    return {"cart_id": body.cart_id, "item_id": body.item_id, "quantity": cart[body.item_id]}
"""
RETRIEVE = """    cart = _cart(body.cart_id)
    return {"items": [{"item_id": i, "quantity": q} for i, q in cart.items()]}
"""


def implemented(repo: Path, where: str, body: str) -> None:
    """The stub of `where` ("POST /calculator") answers with `body` instead of 501."""
    plant(repo, ROUTER, STUB.format(where=where), body)


def documented(repo: Path) -> None:
    """No endpoint documents its 501 any more: every stub is implemented."""
    path = repo / ROUTER
    text = re.sub(r'\s*501: \{"description": "not implemented yet"\},?', "", path.read_text())
    text = re.sub(r"\s*responses=\{\s*\},?", "", text)
    path.write_text(text)


def calculator(repo: Path) -> None:
    """POST /calculator computes, as the backlog says."""
    implemented(repo, "POST /calculator", COMPUTE)
    plant(repo, ROUTER, "from typing import Any\n", "import math\nfrom typing import Any\n")
    documented(repo)


def cart(repo: Path) -> None:
    """Carts kept in the process: create_cart answers `{"cart_id": …}` (no `id`), 201;
    add_to_cart and retrieve_cart answer 404 for a cart nobody made."""
    implemented(repo, "POST /create_cart", CREATE)
    implemented(repo, "POST /add_to_cart", ADD)
    implemented(repo, "POST /retrieve_cart", RETRIEVE)
    plant(repo, ROUTER, "from typing import Any\n", "import uuid\nfrom typing import Any\n")
    made = 'router = APIRouter(tags=["actions"])\n'
    plant(repo, ROUTER, made, made + CARTS)
    documented(repo)
