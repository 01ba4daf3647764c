"""Accounts for the hidden tests: register and log in over HTTP only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    headers: dict[str, str]


def sign_up(api: httpx.Client, email: str) -> Account:
    made = api.post(REGISTER, json={"email": email, "password": PASSWORD, "display_name": "Ann"})
    assert made.status_code == 201, made.text
    login = api.post(LOGIN, json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    return Account(made.json()["id"], email, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def alice(api: httpx.Client, unique: str) -> Account:
    return sign_up(api, f"alice-{unique}@example.com")


@pytest.fixture
def bob(api: httpx.Client) -> Account:
    return sign_up(api, f"bob-{uuid.uuid4().hex[:12]}@example.com")
