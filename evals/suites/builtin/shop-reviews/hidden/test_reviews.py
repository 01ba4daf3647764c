"""REV-1: reviews of products in an existing catalogue."""

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def product(api: httpx.Client, name: str) -> str:
    made = api.post("/products", json={"name": name, "price": 9.5, "category": "tea"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def review(api: httpx.Client, product_id: str, author: str, rating: int) -> httpx.Response:
    body = {"author": author, "rating": rating, "comment": "lovely"}
    return api.post(f"/products/{product_id}/reviews", json=body)


@pytest.mark.functional("Reviewing a product returns 201")
def test_review(api: httpx.Client, unique: str) -> None:
    item = product(api, f"Sencha {unique}")
    made = review(api, item, "ann", 5)
    assert made.status_code == 201
    assert (made.json()["product_id"], made.json()["rating"]) == (item, 5)


@pytest.mark.functional("A rating outside 1 to 5 is rejected with 422")
@pytest.mark.parametrize("rating", [0, 6, -1])
def test_bad_rating(api: httpx.Client, unique: str, rating: int) -> None:
    assert review(api, product(api, unique), "ann", rating).status_code == 422


@pytest.mark.functional("Reviewing a product that does not exist returns 404")
def test_missing_product(api: httpx.Client, unique: str) -> None:
    assert review(api, product(api, unique), "ann", 3).status_code == 201
    assert review(api, MISSING, "ann", 3).status_code == 404


@pytest.mark.functional("A second review of the same product by the same author returns 409")
def test_one_review_per_author(api: httpx.Client, unique: str) -> None:
    first, second = product(api, f"a {unique}"), product(api, f"b {unique}")
    assert review(api, first, "ann", 4).status_code == 201
    assert review(api, first, "ann", 2).status_code == 409
    assert review(api, first, "bob", 2).status_code == 201
    assert review(api, second, "ann", 2).status_code == 201


@pytest.mark.functional(
    "A product's reviews list only its own reviews and can be filtered by rating"
)
def test_list_and_filter(api: httpx.Client, unique: str) -> None:
    first, second = product(api, f"a {unique}"), product(api, f"b {unique}")
    for item, author, rating in ((first, "a", 5), (first, "b", 3), (second, "c", 5)):
        assert review(api, item, author, rating).status_code == 201
    listed = api.get(f"/products/{first}/reviews").json()
    assert listed["total"] == 2
    fives = api.get(f"/products/{first}/reviews", params={"rating": 5}).json()
    assert [r["author"] for r in fives["items"]] == ["a"]


@pytest.mark.functional("Reviewing a product returns 201")
def test_catalogue_still_works(api: httpx.Client, unique: str) -> None:
    item = product(api, f"Oolong {unique}")
    assert review(api, item, "ann", 4).status_code == 201
    assert api.get(f"/products/{item}").json()["name"] == f"Oolong {unique}"
