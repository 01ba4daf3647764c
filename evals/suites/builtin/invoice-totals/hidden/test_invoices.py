"""INV-1: an invoice's totals follow its lines."""

from typing import Any

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def open_invoice(api: httpx.Client, customer: str, tax_rate: float) -> Any:
    made = api.post("/invoices", json={"customer": customer, "tax_rate": tax_rate})
    assert made.status_code == 201, made.text
    return made.json()


def add_line(api: httpx.Client, invoice_id: str, quantity: int, price: float) -> httpx.Response:
    body = {"description": "work", "quantity": quantity, "unit_price": price}
    return api.post(f"/invoices/{invoice_id}/lines", json=body)


@pytest.mark.functional("Opening an invoice returns 201 with subtotal, tax and total of 0")
def test_open_invoice(api: httpx.Client, unique: str) -> None:
    made = open_invoice(api, unique, 20)
    assert made["customer"] == unique
    assert [made["subtotal"], made["tax"], made["total"]] == [0, 0, 0]


@pytest.mark.functional("Adding a line returns 201 with its line total")
def test_line_total(api: httpx.Client, unique: str) -> None:
    invoice = open_invoice(api, unique, 0)
    line = add_line(api, invoice["id"], 3, 19.99)
    assert line.status_code == 201
    assert line.json()["invoice_id"] == invoice["id"]
    assert line.json()["line_total"] == pytest.approx(59.97, abs=0.001)


@pytest.mark.functional("After adding lines the invoice's subtotal, tax and total are recomputed")
def test_totals(api: httpx.Client, unique: str) -> None:
    invoice = open_invoice(api, unique, 20)
    assert add_line(api, invoice["id"], 2, 19.99).status_code == 201
    assert add_line(api, invoice["id"], 1, 5).status_code == 201
    read = api.get(f"/invoices/{invoice['id']}").json()
    assert read["subtotal"] == pytest.approx(44.98, abs=0.001)
    assert read["tax"] == pytest.approx(9.00, abs=0.001)
    assert read["total"] == pytest.approx(53.98, abs=0.001)


@pytest.mark.functional("After adding lines the invoice's subtotal, tax and total are recomputed")
def test_totals_are_per_invoice(api: httpx.Client, unique: str) -> None:
    first, second = open_invoice(api, unique, 10), open_invoice(api, unique, 10)
    assert add_line(api, first["id"], 1, 100).status_code == 201
    assert api.get(f"/invoices/{second['id']}").json()["total"] == 0
    assert api.get(f"/invoices/{first['id']}").json()["total"] == pytest.approx(110, abs=0.001)


@pytest.mark.functional("A quantity of 0 or a negative price is rejected with 422")
def test_invalid_lines(api: httpx.Client, unique: str) -> None:
    invoice = open_invoice(api, unique, 5)
    assert add_line(api, invoice["id"], 0, 10).status_code == 422
    assert add_line(api, invoice["id"], 1, -1).status_code == 422


@pytest.mark.functional("Adding a line to an invoice that does not exist returns 404")
def test_missing_invoice(api: httpx.Client) -> None:
    assert add_line(api, MISSING, 1, 1).status_code == 404
