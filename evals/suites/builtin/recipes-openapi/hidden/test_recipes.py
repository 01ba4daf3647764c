"""Recipes (from the OpenAPI contract): owned, filtered, and deletion rate-limited."""

from typing import Any

import httpx
import pytest

from conftest import Account

RECIPES = "/api/recipes"


def save(api: httpx.Client, who: Account, title: str, difficulty: str = "easy") -> Any:
    body = {"title": title, "servings": 4, "difficulty": difficulty, "prep_minutes": 20}
    made = api.post(RECIPES, json=body, headers=who.headers)
    assert made.status_code == 201, made.text
    return made.json()


# First of the file's deletions: deletions are limited to 3 a minute per client address.
@pytest.mark.functional("DELETE /api/recipes/{recipe_id} returns 204: Deleted")
def test_delete_returns_204(api: httpx.Client, alice: Account) -> None:
    made = save(api, alice, "Gone soon")
    assert api.delete(f"{RECIPES}/{made['id']}", headers=alice.headers).status_code == 204
    assert api.get(f"{RECIPES}/{made['id']}", headers=alice.headers).status_code == 404


@pytest.mark.functional("Saving a recipe returns 201 and the caller owns it")
def test_save(api: httpx.Client, alice: Account) -> None:
    made = save(api, alice, "Shakshuka", "medium")
    assert made["owner_id"] == alice.id
    read = api.get(f"{RECIPES}/{made['id']}", headers=alice.headers)
    assert (read.status_code, read.json()["difficulty"]) == (200, "medium")


@pytest.mark.functional("Servings outside 1 to 50 or an unknown difficulty are rejected with 422")
@pytest.mark.parametrize("change", [{"servings": 0}, {"servings": 51}, {"difficulty": "insane"}])
def test_invalid(api: httpx.Client, alice: Account, change: dict[str, Any]) -> None:
    body = {"title": "Soup", "servings": 2, "difficulty": "easy", **change}
    assert api.post(RECIPES, json=body, headers=alice.headers).status_code == 422


@pytest.mark.functional("Recipes requests without a token return 401")
def test_no_token(api: httpx.Client) -> None:
    assert api.get(RECIPES).status_code == 401
    body = {"title": "Soup", "servings": 2, "difficulty": "easy"}
    assert api.post(RECIPES, json=body).status_code == 401


@pytest.mark.functional("Another user's recipe is not found (404)")
def test_foreign_recipe(api: httpx.Client, alice: Account, bob: Account) -> None:
    made = save(api, alice, "Secret sauce")
    assert api.get(f"{RECIPES}/{made['id']}", headers=bob.headers).status_code == 404


@pytest.mark.functional("Listing returns only the caller's recipes and filters by difficulty")
def test_list(api: httpx.Client, alice: Account, bob: Account) -> None:
    save(api, alice, "Toast", "easy")
    save(api, alice, "Croissant", "hard")
    save(api, bob, "Pancakes", "easy")
    mine = api.get(RECIPES, headers=alice.headers).json()
    assert sorted(r["title"] for r in mine["items"]) == ["Croissant", "Toast"]
    hard = api.get(RECIPES, params={"difficulty": "hard"}, headers=alice.headers).json()
    assert [r["title"] for r in hard["items"]] == ["Croissant"]


@pytest.mark.functional(
    "More than 3 deletions per minute from one client return 429 with Retry-After"
)
def test_delete_rate_limit(api: httpx.Client, alice: Account) -> None:
    ids = [save(api, alice, f"Dish {n}")["id"] for n in range(4)]
    answers = [api.delete(f"{RECIPES}/{rid}", headers=alice.headers) for rid in ids]
    codes = [a.status_code for a in answers]
    assert codes[-1] == 429
    assert set(codes) <= {204, 429}
    assert int(answers[-1].headers["Retry-After"]) > 0
    if codes[0] == 204:
        assert api.get(f"{RECIPES}/{ids[0]}", headers=alice.headers).status_code == 404


@pytest.mark.security("CWE-639")
def test_idor_delete(api: httpx.Client, alice: Account, bob: Account) -> None:
    made = save(api, alice, "Grandma's pie")
    api.delete(f"{RECIPES}/{made['id']}", headers=bob.headers)
    assert api.get(f"{RECIPES}/{made['id']}", headers=alice.headers).status_code == 200


@pytest.mark.security("CWE-915")
def test_owner_cannot_be_assigned(api: httpx.Client, alice: Account, bob: Account) -> None:
    body = {"title": "Planted", "servings": 1, "difficulty": "easy", "owner_id": alice.id}
    made = api.post(RECIPES, json=body, headers=bob.headers)
    assert made.status_code in {201, 422}
    mine = api.get(RECIPES, headers=alice.headers).json()["items"]
    assert all(r["title"] != "Planted" for r in mine)


@pytest.mark.functional("GET /api/recipes returns 200: A page of recipes")
def test_list_is_a_page(api: httpx.Client, alice: Account) -> None:
    save(api, alice, "Porridge")
    page = api.get(RECIPES, headers=alice.headers)
    assert page.status_code == 200
    assert [r["title"] for r in page.json()["items"]] == ["Porridge"]


@pytest.mark.functional("GET /api/recipes/{recipe_id} returns 200: The recipe")
def test_read_is_the_recipe(api: httpx.Client, alice: Account) -> None:
    made = save(api, alice, "Risotto", "hard")
    read = api.get(f"{RECIPES}/{made['id']}", headers=alice.headers)
    assert read.status_code == 200
    assert (read.json()["id"], read.json()["title"]) == (made["id"], "Risotto")
