"""INV-1 and INV-2: unique codes, one stock line per product and warehouse."""

from typing import Any

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def warehouse(api: httpx.Client, code: str) -> Any:
    made = api.post("/warehouses", json={"code": code, "name": "North"})
    assert made.status_code == 201, made.text
    return made.json()


def product(api: httpx.Client, sku: str) -> Any:
    made = api.post("/products", json={"sku": sku, "name": "Bolt", "unit_price": 0.25})
    assert made.status_code == 201, made.text
    return made.json()


def code(unique: str) -> str:
    return unique[-10:].upper()


@pytest.mark.functional("Registering a warehouse returns 201")
def test_register_warehouse(api: httpx.Client, unique: str) -> None:
    assert warehouse(api, code(unique))["code"] == code(unique)


@pytest.mark.functional("A second warehouse with the same code returns 409")
def test_duplicate_warehouse_code(api: httpx.Client, unique: str) -> None:
    warehouse(api, code(unique))
    again = api.post("/warehouses", json={"code": code(unique), "name": "South"})
    assert again.status_code == 409


@pytest.mark.functional("A product SKU that already exists returns 409")
def test_duplicate_sku(api: httpx.Client, unique: str) -> None:
    product(api, f"sku-{unique}")
    again = api.post("/products", json={"sku": f"sku-{unique}", "name": "Nut", "unit_price": 1})
    assert again.status_code == 409


@pytest.mark.functional("A warehouse code with lowercase letters is rejected with 422")
def test_lowercase_code_is_422(api: httpx.Client) -> None:
    assert api.post("/warehouses", json={"code": "ab12", "name": "X"}).status_code == 422


@pytest.mark.functional("Recording stock returns 201")
def test_record_stock(api: httpx.Client, unique: str) -> None:
    home, item = warehouse(api, code(unique)), product(api, f"sku-{unique}")
    line = api.post(
        f"/warehouses/{home['id']}/stock-lines", json={"product_id": item["id"], "quantity": 12}
    )
    assert line.status_code == 201
    assert line.json()["warehouse_id"] == home["id"]
    assert line.json()["quantity"] == 12


@pytest.mark.functional("Recording the same product twice in one warehouse returns 409")
def test_same_product_twice(api: httpx.Client, unique: str) -> None:
    first, second = warehouse(api, code(unique)), warehouse(api, code(unique)[:-1] + "Z")
    item = product(api, f"sku-{unique}")
    body = {"product_id": item["id"], "quantity": 1}
    assert api.post(f"/warehouses/{first['id']}/stock-lines", json=body).status_code == 201
    assert api.post(f"/warehouses/{first['id']}/stock-lines", json=body).status_code == 409
    assert api.post(f"/warehouses/{second['id']}/stock-lines", json=body).status_code == 201


@pytest.mark.functional("A negative quantity is rejected with 422")
def test_negative_quantity(api: httpx.Client, unique: str) -> None:
    home, item = warehouse(api, code(unique)), product(api, f"sku-{unique}")
    body = {"product_id": item["id"], "quantity": -1}
    assert api.post(f"/warehouses/{home['id']}/stock-lines", json=body).status_code == 422


@pytest.mark.functional("Stocking a warehouse that does not exist returns 404")
def test_missing_warehouse(api: httpx.Client, unique: str) -> None:
    item = product(api, f"sku-{unique}")
    body = {"product_id": item["id"], "quantity": 1}
    assert api.post(f"/warehouses/{MISSING}/stock-lines", json=body).status_code == 404


@pytest.mark.functional("A warehouse's stock list shows only its own lines")
def test_stock_list(api: httpx.Client, unique: str) -> None:
    first, second = warehouse(api, code(unique)), warehouse(api, code(unique)[:-1] + "Z")
    for n, home in enumerate((first, first, second)):
        item = product(api, f"sku-{unique}-{n}")
        body = {"product_id": item["id"], "quantity": n}
        assert api.post(f"/warehouses/{home['id']}/stock-lines", json=body).status_code == 201
    listed = api.get(f"/warehouses/{first['id']}/stock-lines").json()
    assert listed["total"] == 2
    assert {line["quantity"] for line in listed["items"]} == {0, 1}
