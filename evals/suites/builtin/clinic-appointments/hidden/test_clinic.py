"""PAT-1: patients and their appointments."""

from typing import Any

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def patient(api: httpx.Client, name: str) -> Any:
    made = api.post("/patients", json={"full_name": name, "birth_date": "1980-02-29"})
    assert made.status_code == 201, made.text
    return made.json()


def book(api: httpx.Client, patient_id: str, department: str = "general") -> httpx.Response:
    body = {"scheduled_at": "2031-01-15T09:30:00Z", "reason": "check-up", "department": department}
    return api.post(f"/patients/{patient_id}/appointments", json=body)


@pytest.mark.functional("Registering a patient returns 201")
def test_register_patient(api: httpx.Client, unique: str) -> None:
    made = patient(api, f"Ann {unique}")
    assert made["birth_date"] == "1980-02-29"
    assert api.get(f"/patients/{made['id']}").json()["full_name"] == f"Ann {unique}"


@pytest.mark.functional("Booking an appointment returns 201 and links it to the patient")
def test_book(api: httpx.Client, unique: str) -> None:
    owner = patient(api, f"Bo {unique}")
    booked = book(api, owner["id"], "cardiology")
    assert booked.status_code == 201
    assert booked.json()["patient_id"] == owner["id"]
    assert booked.json()["department"] == "cardiology"


@pytest.mark.functional("Booking for a patient that does not exist returns 404")
def test_book_missing_patient(api: httpx.Client) -> None:
    assert book(api, MISSING).status_code == 404


@pytest.mark.functional("An unknown department or a missing time is rejected with 422")
def test_invalid_booking(api: httpx.Client, unique: str) -> None:
    owner = patient(api, f"Cy {unique}")
    assert book(api, owner["id"], "astrology").status_code == 422
    no_time = {"reason": "x", "department": "general"}
    url = f"/patients/{owner['id']}/appointments"
    assert api.post(url, json=no_time).status_code == 422


@pytest.mark.functional(
    "A patient's appointment list shows only their appointments, filterable by department"
)
def test_list_per_patient(api: httpx.Client, unique: str) -> None:
    first, second = patient(api, f"Di {unique}"), patient(api, f"Ed {unique}")
    for owner, department in ((first, "general"), (first, "dermatology"), (second, "general")):
        assert book(api, owner["id"], department).status_code == 201
    listed = api.get(f"/patients/{first['id']}/appointments").json()
    assert listed["total"] == 2
    derm = api.get(f"/patients/{first['id']}/appointments", params={"department": "dermatology"})
    assert [a["department"] for a in derm.json()["items"]] == ["dermatology"]


@pytest.mark.functional("Cancelling an appointment returns 204 and it leaves the patient's list")
def test_cancel(api: httpx.Client, unique: str) -> None:
    owner = patient(api, f"Fi {unique}")
    booked = book(api, owner["id"]).json()
    assert api.delete(f"/appointments/{booked['id']}").status_code == 204
    assert api.get(f"/patients/{owner['id']}/appointments").json()["total"] == 0
    assert api.delete(f"/appointments/{booked['id']}").status_code == 404
