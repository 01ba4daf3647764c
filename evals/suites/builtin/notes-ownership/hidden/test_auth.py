"""AUTH-1: register and log in."""

import httpx
import pytest

from conftest import LOGIN, PASSWORD, REGISTER


@pytest.mark.functional("Registering returns 201 with the new user's id and never the password")
def test_register_returns_id_without_password(api: httpx.Client, unique: str) -> None:
    body = {"email": f"{unique}@example.com", "password": PASSWORD, "display_name": "Ann"}
    made = api.post(REGISTER, json=body)
    assert made.status_code == 201
    data = made.json()
    assert data["id"]
    assert data["email"] == body["email"]
    assert PASSWORD not in made.text
    assert not any("password" in key for key in data)


@pytest.mark.functional("Registering an email that is already registered returns 409")
def test_duplicate_email_conflicts(api: httpx.Client, unique: str) -> None:
    body = {"email": f"{unique}@example.com", "password": PASSWORD, "display_name": "Ann"}
    assert api.post(REGISTER, json=body).status_code == 201
    assert api.post(REGISTER, json=body).status_code == 409


@pytest.mark.functional("Registering returns 201 with the new user's id and never the password")
def test_register_rejects_bad_input(api: httpx.Client, unique: str) -> None:
    bad_email = {"email": "not-an-email", "password": PASSWORD, "display_name": "Ann"}
    short_pw = {"email": f"{unique}@example.com", "password": "short", "display_name": "Ann"}
    assert api.post(REGISTER, json=bad_email).status_code == 422
    assert api.post(REGISTER, json=short_pw).status_code == 422


@pytest.mark.functional("Logging in with a wrong password returns 401")
def test_wrong_password_is_401(api: httpx.Client, unique: str) -> None:
    email = f"{unique}@example.com"
    api.post(REGISTER, json={"email": email, "password": PASSWORD, "display_name": "Ann"})
    assert api.post(LOGIN, json={"email": email, "password": "wrong-password"}).status_code == 401
    assert api.post(LOGIN, json={"email": email, "password": PASSWORD}).status_code == 200
