"""Values that flow from one endpoint's answer into another's request (the plan's `flows`),
as the live probes obtain them: `cart_id` from `POST /create_cart` into `/add_to_cart` and
`/retrieve_cart` (tests/data/cart.json). Against a fake cart service over
httpx.MockTransport, so every request the probes send is seen; the same service written
for real runs in tests/verify/test_action_services.py.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from agent.backlog import load_backlog
from agent.spec.compiler import compile_backlog
from agent.verify.live import oracle, security
from agent.verify.live.backlog import endpoints
from agent.verify.live.exchange import made_id
from agent.verify.live.world import World, id_names, seed
from tests.verify.actions import CART
from tests.verify.service import as_written

SECRET = "s" * 40
FIELDS = {"cart_id": str, "item_id": int, "quantity": int}


@dataclass
class FakeCart:
    """create_cart answers as `made` says: "cart_id" (201 `{cart_id}`), "id" (201 `{id}`:
    not the declared field) or "stub" (501, documented as the scaffold's stub)."""

    made: str = "cart_id"
    carts: dict[str, dict[int, int]] = field(default_factory=dict)
    sent: list[tuple[str, Any, int]] = field(default_factory=list)  # path, body, status

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle), base_url="http://svc")

    def doc(self) -> dict[str, Any]:
        create = {"201": {}, **({"501": {}} if self.made == "stub" else {})}
        return {
            "paths": {
                "/create_cart": {"post": {"responses": create}},
                "/add_to_cart": {"post": {"responses": {"200": {}, "400": {}, "404": {}}}},
                "/retrieve_cart": {"post": {"responses": {"200": {}, "400": {}, "404": {}}}},
            }
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(200, json=self.doc())
        body = json.loads(request.content) if request.content else None
        reply = self.answer(request.url.path, body)
        self.sent.append((request.url.path, body, reply.status_code))
        return reply

    def answer(self, path: str, body: Any) -> httpx.Response:
        if path == "/create_cart":
            if self.made == "stub":
                return httpx.Response(501, json={"error": "not implemented yet"})
            cart_id = str(uuid.uuid4())
            self.carts[cart_id] = {}
            return httpx.Response(201, json={self.made: cart_id})
        names = ["cart_id"] if path == "/retrieve_cart" else list(FIELDS)
        wrong = self.invalid(body, names)
        if wrong:
            return httpx.Response(400, json={"error": {"details": [{"loc": ["body", wrong]}]}})
        cart = self.carts.get(body["cart_id"])
        if cart is None:
            return httpx.Response(404, json={"error": "cart not found"})
        if path == "/add_to_cart":
            cart[body["item_id"]] = cart.get(body["item_id"], 0) + body["quantity"]
            return httpx.Response(200, json={"cart_id": body["cart_id"]})
        items = [{"item_id": i, "quantity": q} for i, q in cart.items()]
        return httpx.Response(200, json={"items": items})

    @staticmethod
    def invalid(body: Any, names: list[str]) -> str | None:
        """The first field the body gets wrong (its key, or "body")."""
        if not isinstance(body, dict) or set(body) - set(names):
            return "body"
        for name in names:
            value = body.get(name)
            if not isinstance(value, FIELDS[name]) or isinstance(value, bool):
                return name
            if name != "cart_id" and not 1 <= value <= (100 if name == "quantity" else 10**9):
                return name
        return None


def _world(service: FakeCart) -> World:
    spec = compile_backlog(load_backlog(CART)).model_dump(mode="json")
    return seed(World(service.client(), spec, SECRET))


def _check(service: FakeCart) -> tuple[World, dict[str, Any], dict[str, Any]]:
    """The oracle, then the security probes, on a freshly seeded world."""
    world = _world(service)
    doc = service.doc()
    checked = oracle.run(world, as_written(CART), doc, world.stubs(doc))
    checked["sent"] = list(service.sent)  # what the oracle (and the flows it needed) sent
    return world, checked, security.run(world)


def test_cart_id_comes_from_create_cart_once_and_is_sent() -> None:
    """Every request the oracle sends to add_to_cart and retrieve_cart carries the cart_id
    create_cart answered (one cart, made once for the caller and kept): none is refused
    with 404; no finding from the oracle or the security probes (whose injection strings
    replace the cart_id), nothing left unexercised."""
    service = FakeCart()
    world, checked, probed = _check(service)
    assert checked["findings"] == [] and probed["findings"] == []
    assert checked["not_exercised"] == [] and world.not_exercised == []
    made = [s for s in checked["sent"] if s[0] == "/create_cart"]
    assert len(made) == 2  # the flow's producer, once; the oracle's own check of it, once
    consumers = [s for s in checked["sent"] if s[0] != "/create_cart"]
    assert consumers and all(status != 404 for _, _, status in consumers)
    valid = [b for _, b, status in consumers if status == 200]
    [cart_id] = {b["cart_id"] for b in valid}
    assert len(valid) >= 4 and cart_id in service.carts
    assert probed["probes"] >= 10 and len(service.carts) == 2  # security made none of its own


def test_a_producer_not_implemented_leaves_its_consumers_not_exercised() -> None:
    """create_cart is the scaffold's 501 stub: no valid request goes to add_to_cart or
    retrieve_cart with an invented cart_id (no 404 comes back); each says why, with
    create_cart's 501 as its evidence; nothing is a finding. Invalid bodies are still sent
    and refused."""
    service = FakeCart(made="stub")
    world, checked, probed = _check(service)
    assert checked["findings"] == [] and probed["findings"] == []
    assert probed["not_implemented"] == ["POST /create_cart"]
    reasons = {(n["where"], n["reason"]) for n in checked["not_exercised"]}
    why = (
        "no valid request sent: `cart_id` comes from the `cart_id` of POST /create_cart, "
        "which is not implemented (501)"
    )
    assert ("POST /add_to_cart", why) in reasons and ("POST /retrieve_cart", why) in reasons
    skipped = [n for n in checked["not_exercised"] if n["reason"] == why]
    assert all(n["exchange"]["status"] == 501 for n in skipped)
    assert {n["where"] for n in world.not_exercised if n["check"] == "injection"} == {
        "POST /add_to_cart",
        "POST /retrieve_cart",
    }
    consumers = [s for s in checked["sent"] if s[0] != "/create_cart"]
    assert consumers and {status for _, _, status in consumers} == {400}


def test_a_producer_answering_without_the_field_is_not_exercised() -> None:
    """create_cart answers `{id}` where the backlog declares `{cart_id}`: the consumers are
    not exercised, saying which field was missing; the oracle finds the response itself
    breaking its schema (the one finding), and nothing else."""
    service = FakeCart(made="id")
    _, checked, probed = _check(service)
    assert probed["findings"] == []
    assert [(f["where"], f["source"]) for f in checked["findings"]] == [
        (
            "POST /create_cart",
            "backlog_items[0].api_requirements[0].response_schema.properties.cart_id",
        )
    ]
    reasons = [n["reason"] for n in checked["not_exercised"] if n["where"] == "POST /add_to_cart"]
    assert reasons == [
        "no valid request sent: `cart_id` comes from the `cart_id` of POST /create_cart, "
        "which answered without a value for `cart_id`"
    ]


def test_a_create_answering_its_own_identifier_and_no_id() -> None:
    """A row's id is read from what the answer carries (`id`, else `cart_id` / `cartId` for
    a Cart), never assumed: an answer with neither gives None, no KeyError."""
    op = {"entity": "ShoppingCart"}
    assert made_id(httpx.Response(201, json={"shopping_cart_id": "c1"}), id_names(op)) == "c1"
    assert made_id(httpx.Response(201, json={"shoppingCartId": "c2"}), id_names(op)) == "c2"
    assert made_id(httpx.Response(201, json={"id": "c3", "shopping_cart_id": "x"})) == "c3"
    assert made_id(httpx.Response(201, json={"name": "n"}), id_names(op)) is None
    assert made_id(httpx.Response(201, json=["c4"]), id_names({"entity": None})) is None


def test_declared_codes_are_read_from_responses_and_criteria() -> None:
    """The oracle's own reading of the codes: an endpoint's `responses`, then criteria that
    name it (`POST /calculator returns 400 when: …`), each with where the backlog says so;
    400 for invalid input where 400 is declared and 422 is not."""
    [calc] = endpoints(as_written(CART.with_name("calculator.json")))
    assert calc.success == [200] and calc.invalid == 400
    assert calc.codes[400] == "backlog_items[0].api_requirements[0].responses['400']"
    item = {
        "api_requirements": [{"method": "POST", "endpoint": "/things"}],
        "acceptance_criteria": ["POST /things returns 202 when queued", "GET /things returns 200"],
    }
    [things] = endpoints([{"index": 3, "item": item}])
    assert things.codes == {202: "backlog_items[3].acceptance_criteria[0]"}
    assert things.success == [202] and things.invalid is None
