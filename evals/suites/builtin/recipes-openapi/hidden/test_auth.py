"""Auth (from the OpenAPI contract): register and log in."""

import httpx
import pytest

from conftest import LOGIN, PASSWORD, REGISTER


def account(unique: str) -> dict[str, str]:
    return {"email": f"{unique}@example.com", "password": PASSWORD, "display_name": "Cook"}


@pytest.mark.functional("Registering returns 201 with the new user's id and never the password")
def test_register(api: httpx.Client, unique: str) -> None:
    made = api.post(REGISTER, json=account(unique))
    assert made.status_code == 201
    assert made.json()["id"]
    assert PASSWORD not in made.text
    assert "password" not in made.json()
    short = {**account(f"x{unique}"), "password": "short"}
    assert api.post(REGISTER, json=short).status_code == 422


@pytest.mark.functional("Registering an email that is already registered returns 409")
def test_duplicate(api: httpx.Client, unique: str) -> None:
    assert api.post(REGISTER, json=account(unique)).status_code == 201
    assert api.post(REGISTER, json=account(unique)).status_code == 409


@pytest.mark.functional("Logging in with a wrong password returns 401")
def test_wrong_password(api: httpx.Client, unique: str) -> None:
    api.post(REGISTER, json=account(unique))
    wrong = {"email": f"{unique}@example.com", "password": "not-the-password"}
    assert api.post(LOGIN, json=wrong).status_code == 401


@pytest.mark.functional("POST /api/auth/login returns 200: A token")
def test_login_gives_a_token(api: httpx.Client, unique: str) -> None:
    assert api.post(REGISTER, json=account(unique)).status_code == 201
    right = {"email": f"{unique}@example.com", "password": PASSWORD}
    answer = api.post(LOGIN, json=right)
    assert answer.status_code == 200
    assert answer.json()["access_token"]
