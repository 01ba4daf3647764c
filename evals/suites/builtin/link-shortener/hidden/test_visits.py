"""VISIT-1: visits, with a rate limit per client.

The limit is 5 a minute per client for the whole run: these tests spend 8 requests in
file order (1 + 1 + 6), so they assume the rate-limit counters start at zero (a fresh
service and Redis, as the harness grades)."""

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def link_id(api: httpx.Client, unique: str) -> str:
    made = api.post("/links", json={"slug": f"v-{unique}", "target_url": "https://example.com"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.mark.functional("Recording a visit returns 201")
def test_record_visit(api: httpx.Client, unique: str) -> None:
    link = link_id(api, unique)
    made = api.post(f"/links/{link}/visits", json={"referrer": "newsletter"})
    assert made.status_code == 201
    assert made.json()["link_id"] == link


@pytest.mark.functional("A visit of a link that does not exist returns 404")
def test_visit_of_missing_link(api: httpx.Client) -> None:
    assert api.post(f"/links/{MISSING}/visits", json={}).status_code == 404


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
