"""BOOK-1's implement conversation: a model that finishes what the offline run leaves.

The bookshop example has the fewest rules of the two examples (no rule or validation; one
calculation, the discount endpoint it needs, and the criterion that shows it). The model
writes the discount into the rule module, the endpoint in place of the scaffold's 501
stub (and the stub's own test, which now finds a missing book), a test marked for
criterion 4, then `finish` saying nothing is left.
"""

from __future__ import annotations

from pathlib import Path

from agent.models.base import Reply
from tests.e2e.notes_flow import call, turn

BACKLOG = Path(__file__).parents[2] / "examples" / "bookshop.json"
CALCULATION = "A discount lowers the price by the given percent, rounded to cents"
ENDPOINT = "POST /books/{book_id}/discount"
ROUTER = "backend/api/routers/books.py"
RULES_PATH = "backend/domain/rules/book.py"
TEST_PATH = "backend/tests/test_book_discount.py"
GATES = ["lint", "tests", "migrations"]

RULES = '''"""Business rules for Book: the discount calculation."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.models.book import Book
from backend.domain.rules import RuleViolation

__all__ = ["RuleViolation", "before_create", "before_delete", "before_update", "discounted"]


async def before_create(session: AsyncSession, values: dict[str, Any]) -> dict[str, Any]:
    return values


async def before_update(session: AsyncSession, current: Book, changes: dict[str, Any]) -> dict[str, Any]:
    return changes


async def before_delete(session: AsyncSession, current: Book) -> None:
    return None


def discounted(price: float, percent: int) -> float:
    """`price` lowered by `percent`, rounded to cents."""
    lowered = Decimal(str(price)) * (100 - percent) / 100
    return float(lowered.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
'''
STUB = '''@router.post("/books/{book_id}/discount", status_code=200, responses={501: {"description": "not implemented yet"}})
async def discount_book(book_id: uuid.UUID, session: SessionDep, body: DiscountBookRequest) -> Any:
    """POST /books/{book_id}/discount

    An action: `discount` is an action on a Book. Served as 501 until a model implements it, answering
    200 on success (then drop the 501 from `responses`).
    """
    raise HTTPException(501, "not implemented yet: POST /books/{book_id}/discount")'''
HANDLER = '''@router.post("/books/{book_id}/discount", response_model=BookOut)
async def discount_book(book_id: uuid.UUID, session: SessionDep, body: DiscountBookRequest) -> Any:
    """POST /books/{book_id}/discount: the price lowered by `percent`, rounded to cents."""
    row = await book_repo.get(session, book_id, None)
    if row is None:
        raise HTTPException(404, "Book not found")
    price = book_rules.discounted(row.price or 0.0, body.percent)
    return await book_repo.update(session, row, {"price": price})'''
STUB_TEST = """    response = client.post(f"/books/{uuid.uuid4()}/discount", json={"percent": 1})
    assert response.status_code == 501, response.text  # until a model implements it"""
MISSING_TEST = """    response = client.post(f"/books/{uuid.uuid4()}/discount", json={"percent": 10})
    assert response.status_code == 404, response.text"""
TEST = """import pytest
from fastapi.testclient import TestClient

from backend.tests.factories import make_book


@pytest.mark.criterion("BOOK-1", 4)
def test_ten_percent_off_twenty_is_eighteen(client: TestClient) -> None:
    book = make_book(price=20.0)
    response = client.post(f"/books/{book}/discount", json={"percent": 10})
    assert response.status_code == 200, response.text
    assert response.json()["price"] == 18.0
"""


def implemented() -> list[Reply]:
    """Implement: the calculation, the endpoint, the tests; then finish (ids e1, e3, w1-w2)."""
    edits = [
        call("e1", "edit_file", path=ROUTER, old_text=STUB, new_text=HANDLER),
        call(
            "e3",
            "edit_file",
            path="backend/tests/test_books.py",
            old_text=STUB_TEST,
            new_text=MISSING_TEST,
        ),
        call("w1", "write_file", path=RULES_PATH, content=RULES),
        call("w2", "write_file", path=TEST_PATH, content=TEST),
    ]
    summary = {
        "summary": "the discount endpoint and its calculation, with a test for criterion 4",
        "implemented": [CALCULATION, ENDPOINT],
        "not_implemented": [],
    }
    finish = turn("", call("f1", "finish", **summary))
    return [turn("Writing the discount and its test.", *edits), finish]
