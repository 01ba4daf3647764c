"""LEAVE-1: leave requests with date rules and a one-way workflow."""

from typing import Any

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def request_leave(api: httpx.Client, who: str, start: str, end: str) -> Any:
    body = {"employee": who, "start_date": start, "end_date": end}
    made = api.post("/leave-requests", json=body)
    assert made.status_code == 201, made.text
    return made.json()


@pytest.mark.functional(
    "Requesting leave returns 201 with status pending and the number of days, both ends included"
)
def test_request_counts_days(api: httpx.Client, unique: str) -> None:
    made = request_leave(api, unique, "2031-03-30", "2031-04-02")
    assert made["status"] == "pending"
    assert made["days"] == 4
    assert request_leave(api, unique, "2031-05-01", "2031-05-01")["days"] == 1
    again = api.get(f"/leave-requests/{made['id']}").json()
    assert (again["status"], again["days"]) == ("pending", 4)


@pytest.mark.functional(
    "Requesting leave returns 201 with status pending and the number of days, both ends included"
)
def test_new_request_is_pending_whatever_is_sent(api: httpx.Client, unique: str) -> None:
    body = {"employee": unique, "start_date": "2031-01-01", "end_date": "2031-01-02"}
    made = api.post("/leave-requests", json={**body, "status": "approved"})
    assert made.status_code in {201, 422}
    if made.status_code == 201:
        assert made.json()["status"] == "pending"


@pytest.mark.functional("An end date before the start date is rejected with 422")
def test_end_before_start(api: httpx.Client, unique: str) -> None:
    body = {"employee": unique, "start_date": "2031-04-02", "end_date": "2031-04-01"}
    assert api.post("/leave-requests", json=body).status_code == 422


@pytest.mark.functional("A pending request can be approved or rejected")
def test_decide(api: httpx.Client, unique: str) -> None:
    first = request_leave(api, unique, "2031-06-01", "2031-06-03")
    second = request_leave(api, unique, "2031-07-01", "2031-07-03")
    approved = api.patch(f"/leave-requests/{first['id']}", json={"status": "approved"})
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    rejected = api.patch(f"/leave-requests/{second['id']}", json={"status": "rejected"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")


@pytest.mark.functional("An approved or rejected request cannot be changed again: 409")
@pytest.mark.parametrize(("first", "then"), [("approved", "rejected"), ("rejected", "pending")])
def test_decided_is_final(api: httpx.Client, unique: str, first: str, then: str) -> None:
    made = request_leave(api, unique, "2031-08-01", "2031-08-02")
    url = f"/leave-requests/{made['id']}"
    assert api.patch(url, json={"status": first}).status_code == 200
    assert api.patch(url, json={"status": then}).status_code == 409
    assert api.get(url).json()["status"] == first


@pytest.mark.functional("Deciding a request that does not exist returns 404")
def test_missing(api: httpx.Client) -> None:
    answer = api.patch(f"/leave-requests/{MISSING}", json={"status": "approved"})
    assert answer.status_code == 404
