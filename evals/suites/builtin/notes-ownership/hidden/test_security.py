"""Exploits that must fail: reading someone else's note, forged tokens."""

import base64
import hashlib
import hmac
import json

import httpx
import pytest

from conftest import Account


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged_token(subject: str, key: bytes, alg: str = "HS256") -> str:
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64(json.dumps({"sub": subject, "exp": 4102444800}).encode())
    if alg == "none":
        return f"{head}.{body}."
    sig = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


@pytest.mark.security("CWE-639")
def test_idor_read_other_users_note(api: httpx.Client, alice: Account, bob: Account) -> None:
    made = api.post("/notes", json={"title": "diary", "body": "private"}, headers=alice.headers)
    stolen = api.get(f"/notes/{made.json()['id']}", headers=bob.headers)
    assert stolen.status_code in {403, 404}
    assert "private" not in stolen.text


@pytest.mark.security("CWE-347")
def test_forged_token_is_refused(api: httpx.Client, alice: Account) -> None:
    for token in (forged_token(alice.id, b"guessed-secret"), forged_token(alice.id, b"", "none")):
        answer = api.get("/notes", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401


@pytest.mark.security("CWE-915")
def test_owner_cannot_be_assigned(api: httpx.Client, alice: Account, bob: Account) -> None:
    body = {"title": "planted", "owner_id": alice.id}
    made = api.post("/notes", json=body, headers=bob.headers)
    assert made.status_code in {201, 422}
    if made.status_code == 201:
        assert made.json()["owner_id"] == bob.id
    listed = api.get("/notes", headers=alice.headers).json()["items"]
    assert all(n["title"] != "planted" for n in listed)
