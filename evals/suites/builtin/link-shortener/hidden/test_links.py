"""LINK-1: short links with unique slugs."""

from typing import Any

import httpx
import pytest


def create(api: httpx.Client, slug: str) -> Any:
    made = api.post("/links", json={"slug": slug, "target_url": "https://example.com/a?b=c"})
    assert made.status_code == 201, made.text
    return made.json()


@pytest.mark.functional("Creating a link returns 201")
def test_create_link(api: httpx.Client, unique: str) -> None:
    link = create(api, f"promo-{unique}")
    assert link["slug"] == f"promo-{unique}"
    assert api.get(f"/links/{link['id']}").json()["target_url"] == "https://example.com/a?b=c"


@pytest.mark.functional("A slug that is already taken returns 409")
def test_taken_slug_conflicts(api: httpx.Client, unique: str) -> None:
    create(api, f"sale-{unique}")
    again = api.post("/links", json={"slug": f"sale-{unique}", "target_url": "https://x.org"})
    assert again.status_code == 409


@pytest.mark.functional(
    "A slug with characters other than lowercase letters, digits and dashes is rejected with 422"
)
@pytest.mark.parametrize("slug", ["Has Space", "UPPER", "a/b", "x"])
def test_bad_slug_is_422(api: httpx.Client, slug: str) -> None:
    answer = api.post("/links", json={"slug": slug, "target_url": "https://example.com"})
    assert answer.status_code == 422


@pytest.mark.functional("Looking up by slug returns exactly that link")
def test_lookup_by_slug(api: httpx.Client, unique: str) -> None:
    create(api, f"one-{unique}")
    create(api, f"two-{unique}")
    found = api.get("/links", params={"slug": f"two-{unique}"}).json()
    assert found["total"] == 1
    assert found["items"][0]["slug"] == f"two-{unique}"


@pytest.mark.functional("A target_url that is not an http(s) URL is rejected with 422")
def test_bad_target_is_422(api: httpx.Client, unique: str) -> None:
    answer = api.post("/links", json={"slug": f"t-{unique}", "target_url": "javascript:alert(1)"})
    assert answer.status_code == 422
