"""VISIT-1: visits, with a rate limit per client."""

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def link_id(api: httpx.Client, unique: str) -> str:
    made = api.post("/links", json={"slug": f"v-{unique}", "target_url": "https://example.com"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.mark.functional("A visit of a link that does not exist returns 404")
def test_visit_of_missing_link(api: httpx.Client) -> None:
    answer = api.post(f"/links/{MISSING}/visits", json={})
    assert answer.status_code in {404, 429}  # the limit may be spent by an earlier test


@pytest.mark.functional("More than 5 visits per minute from one client return 429 with Retry-After")
def test_visits_are_rate_limited(api: httpx.Client, unique: str) -> None:
    url = f"/links/{link_id(api, unique)}/visits"
    answers = [api.post(url, json={"referrer": "newsletter"}) for _ in range(6)]
    codes = [a.status_code for a in answers]
    assert 429 in codes
    assert set(codes) <= {201, 429}
    limited = answers[codes.index(429)]
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert all(code == 429 for code in codes[codes.index(429) :])
