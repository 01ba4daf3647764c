"""CART-1: a cart made by create_cart, filled by add_to_cart, read by retrieve_cart."""

import httpx
import pytest

MISSING = "no-such-cart-0000"


def new_cart(api: httpx.Client) -> str:
    made = api.post("/create_cart")
    assert made.status_code == 201, made.text
    return str(made.json()["cart_id"])


def add(api: httpx.Client, cart: str, item: int, quantity: int) -> httpx.Response:
    return api.post("/add_to_cart", json={"cart_id": cart, "item_id": item, "quantity": quantity})


@pytest.mark.functional("POST /create_cart returns 201 with a cart_id")
def test_create(api: httpx.Client) -> None:
    made = api.post("/create_cart")
    assert made.status_code == 201
    assert isinstance(made.json()["cart_id"], str) and made.json()["cart_id"]
    assert api.post("/create_cart").json()["cart_id"] != made.json()["cart_id"]


@pytest.mark.functional("POST /add_to_cart returns 404 when: Cart not found")
def test_add_to_missing(api: httpx.Client) -> None:
    assert add(api, MISSING, 1, 1).status_code == 404


@pytest.mark.functional("POST /retrieve_cart returns 404 when: Cart not found")
def test_retrieve_missing(api: httpx.Client) -> None:
    assert api.post("/retrieve_cart", json={"cart_id": MISSING}).status_code == 404


@pytest.mark.functional("POST /retrieve_cart returns 200 with every item added and its quantity")
def test_retrieve(api: httpx.Client) -> None:
    cart = new_cart(api)
    assert add(api, cart, 7, 2).status_code == 200
    assert add(api, cart, 3, 1).status_code == 200
    assert add(api, cart, 7, 3).status_code == 200  # the same item again adds to it
    answer = api.post("/retrieve_cart", json={"cart_id": cart})
    assert answer.status_code == 200
    items = sorted((i["item_id"], i["quantity"]) for i in answer.json()["items"])
    assert items == [(3, 1), (7, 5)]
    empty = api.post("/retrieve_cart", json={"cart_id": new_cart(api)})
    assert (empty.status_code, empty.json()["items"]) == (200, [])


@pytest.mark.functional("Invalid input to POST /add_to_cart returns 400")
@pytest.mark.parametrize("change", [{"quantity": 0}, {"quantity": 101}, {"item_id": "seven"}])
def test_invalid(api: httpx.Client, change: dict[str, object]) -> None:
    body = {"cart_id": new_cart(api), "item_id": 7, "quantity": 1, **change}
    assert api.post("/add_to_cart", json=body).status_code == 400
