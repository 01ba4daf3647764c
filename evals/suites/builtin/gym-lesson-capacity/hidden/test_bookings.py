"""GYM-1: bookings up to a lesson's capacity."""

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def schedule(api: httpx.Client, capacity: int) -> str:
    body = {"title": "Spin", "starts_at": "2031-02-03T18:00:00Z", "capacity": capacity}
    made = api.post("/lessons", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def book(api: httpx.Client, lesson_id: str, email: str) -> httpx.Response:
    return api.post(f"/lessons/{lesson_id}/bookings", json={"member_email": email})


@pytest.mark.functional("Booking a place returns 201")
def test_book(api: httpx.Client, unique: str) -> None:
    lesson_id = schedule(api, 10)
    made = book(api, lesson_id, f"{unique}@example.com")
    assert made.status_code == 201
    assert made.json()["lesson_id"] == lesson_id


@pytest.mark.functional("A member who already booked the lesson gets 409 for a second booking")
def test_double_booking(api: httpx.Client, unique: str) -> None:
    lesson_id = schedule(api, 10)
    assert book(api, lesson_id, f"{unique}@example.com").status_code == 201
    assert book(api, lesson_id, f"{unique}@example.com").status_code == 409


@pytest.mark.functional("A lesson that is full refuses another booking with 409")
def test_full_lesson(api: httpx.Client, unique: str) -> None:
    lesson_id, other = schedule(api, 2), schedule(api, 2)
    assert book(api, lesson_id, f"a{unique}@example.com").status_code == 201
    assert book(api, lesson_id, f"b{unique}@example.com").status_code == 201
    assert book(api, lesson_id, f"c{unique}@example.com").status_code == 409
    assert book(api, other, f"c{unique}@example.com").status_code == 201
    assert api.get(f"/lessons/{lesson_id}/bookings").json()["total"] == 2


@pytest.mark.functional("Booking a lesson that does not exist returns 404")
def test_missing_lesson(api: httpx.Client, unique: str) -> None:
    assert book(api, schedule(api, 1), f"{unique}@example.com").status_code == 201
    assert book(api, MISSING, f"{unique}@example.com").status_code == 404


@pytest.mark.functional("A capacity of 0 is rejected with 422")
def test_zero_capacity(api: httpx.Client) -> None:
    body = {"title": "Yoga", "starts_at": "2031-02-03T18:00:00Z", "capacity": 0}
    assert api.post("/lessons", json=body).status_code == 422
