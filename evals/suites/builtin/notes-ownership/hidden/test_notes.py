"""NOTE-1: a user's own notes."""

import httpx
import pytest

from conftest import Account


def write(api: httpx.Client, who: Account, title: str, pinned: bool = False) -> dict[str, object]:
    made = api.post("/notes", json={"title": title, "pinned": pinned}, headers=who.headers)
    assert made.status_code == 201, made.text
    data: dict[str, object] = made.json()
    return data


@pytest.mark.functional("Writing a note returns 201 and the caller is its owner")
def test_create_note(api: httpx.Client, alice: Account) -> None:
    made = api.post("/notes", json={"title": "groceries", "body": "eggs"}, headers=alice.headers)
    assert made.status_code == 201
    assert made.json()["owner_id"] == alice.id
    assert made.json()["title"] == "groceries"


@pytest.mark.functional("Writing a note returns 201 and the caller is its owner")
def test_create_note_validates_title(api: httpx.Client, alice: Account) -> None:
    assert api.post("/notes", json={"title": ""}, headers=alice.headers).status_code == 422
    too_long = {"title": "x" * 121}
    assert api.post("/notes", json=too_long, headers=alice.headers).status_code == 422


@pytest.mark.functional("Any notes request without a token returns 401")
def test_no_token_is_401(api: httpx.Client) -> None:
    assert api.post("/notes", json={"title": "x"}).status_code == 401
    assert api.get("/notes").status_code == 401


@pytest.mark.functional("Listing returns only the caller's notes, and filters by pinned")
def test_list_only_own_and_filter(api: httpx.Client, alice: Account, bob: Account) -> None:
    write(api, alice, "a1", pinned=True)
    write(api, alice, "a2")
    write(api, bob, "b1", pinned=True)
    listed = api.get("/notes", headers=alice.headers)
    assert listed.status_code == 200
    assert sorted(n["title"] for n in listed.json()["items"]) == ["a1", "a2"]
    pinned = api.get("/notes", params={"pinned": "true"}, headers=alice.headers)
    assert [n["title"] for n in pinned.json()["items"]] == ["a1"]


@pytest.mark.functional("Deleting a note returns 204 and it is no longer found")
def test_delete_note(api: httpx.Client, alice: Account) -> None:
    note = write(api, alice, "temp")
    assert api.delete(f"/notes/{note['id']}", headers=alice.headers).status_code == 204
    assert api.get(f"/notes/{note['id']}", headers=alice.headers).status_code == 404


@pytest.mark.functional(
    "A note of another user cannot be read, changed or deleted: it is not found (404)"
)
def test_other_users_note_is_404(api: httpx.Client, alice: Account, bob: Account) -> None:
    note = write(api, alice, "secret")
    url = f"/notes/{note['id']}"
    assert api.get(url, headers=bob.headers).status_code == 404
    assert api.patch(url, json={"title": "mine"}, headers=bob.headers).status_code == 404
    assert api.delete(url, headers=bob.headers).status_code == 404
    assert api.get(url, headers=alice.headers).json()["title"] == "secret"
