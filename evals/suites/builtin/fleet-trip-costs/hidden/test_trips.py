"""TRIP-1: trips of an existing fleet's vehicles, with fuel and cost computed."""

import httpx
import pytest

MISSING = "00000000-0000-4000-8000-000000000000"


def vehicle(api: httpx.Client, unique: str, consumption: float) -> str:
    body = {"plate": unique[-10:].upper(), "model": "Van", "consumption_l_per_100km": consumption}
    made = api.post("/vehicles", json=body)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def trip(api: httpx.Client, vehicle_id: str, km: float, price: float) -> httpx.Response:
    body = {"distance_km": km, "fuel_price_per_litre": price}
    return api.post(f"/vehicles/{vehicle_id}/trips", json=body)


@pytest.mark.functional("Logging a trip returns 201 with the fuel used and its cost")
def test_trip_costs(api: httpx.Client, unique: str) -> None:
    made = trip(api, vehicle(api, unique, 7.5), 123.4, 1.89)
    assert made.status_code == 201
    data = made.json()
    assert data["fuel_litres"] == pytest.approx(9.26, abs=0.001)
    assert data["cost"] == pytest.approx(17.50, abs=0.001)


@pytest.mark.functional("Logging a trip returns 201 with the fuel used and its cost")
def test_trip_uses_its_vehicle(api: httpx.Client, unique: str) -> None:
    thirsty = vehicle(api, unique, 20)
    made = trip(api, thirsty, 50, 2)
    assert made.json()["vehicle_id"] == thirsty
    assert made.json()["fuel_litres"] == pytest.approx(10, abs=0.001)
    assert made.json()["cost"] == pytest.approx(20, abs=0.001)


@pytest.mark.functional("A trip of a vehicle that does not exist returns 404")
def test_missing_vehicle(api: httpx.Client, unique: str) -> None:
    assert trip(api, vehicle(api, unique, 5), 10, 1).status_code == 201
    assert trip(api, MISSING, 10, 1).status_code == 404


@pytest.mark.functional("A distance of 0 is rejected with 422")
def test_zero_distance(api: httpx.Client, unique: str) -> None:
    assert trip(api, vehicle(api, unique, 5), 0, 1).status_code == 422


@pytest.mark.functional("A vehicle's trips list shows its trips with their fuel and cost")
def test_list(api: httpx.Client, unique: str) -> None:
    van = vehicle(api, unique, 10)
    assert trip(api, van, 100, 1.5).status_code == 201
    assert trip(api, van, 200, 1.5).status_code == 201
    listed = api.get(f"/vehicles/{van}/trips").json()
    assert listed["total"] == 2
    assert sorted(t["cost"] for t in listed["items"]) == pytest.approx([15, 30], abs=0.001)
