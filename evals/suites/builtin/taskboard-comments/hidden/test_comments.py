"""COMMENT-1: comments on the caller's projects."""

import httpx
import pytest

from conftest import Account, new_project

MISSING = "00000000-0000-4000-8000-000000000000"


def url(project_id: str) -> str:
    return f"/api/v1/projects/{project_id}/comments"


@pytest.mark.functional("Commenting on a project returns 201")
def test_comment(api: httpx.Client, alice: Account) -> None:
    project = new_project(api, alice)
    made = api.post(url(project), json={"body": "kick-off on Monday"}, headers=alice.headers)
    assert made.status_code == 201
    assert made.json()["project_id"] == project
    assert made.json()["body"] == "kick-off on Monday"


@pytest.mark.functional("An empty comment or one over 2000 characters is rejected with 422")
def test_invalid_comment(api: httpx.Client, alice: Account) -> None:
    project = new_project(api, alice)
    for body in ("", "x" * 2001):
        assert api.post(url(project), json={"body": body}, headers=alice.headers).status_code == 422


@pytest.mark.functional("Commenting without a token returns 401")
def test_no_token(api: httpx.Client, alice: Account) -> None:
    project = new_project(api, alice)
    assert api.post(url(project), json={"body": "hi"}).status_code == 401
    assert api.get(url(project)).status_code == 401


@pytest.mark.functional(
    "Comments on a project that does not exist, or of another user, are not found (404)"
)
def test_missing_or_foreign_project(api: httpx.Client, alice: Account, bob: Account) -> None:
    project = new_project(api, alice)
    assert api.post(url(project), json={"body": "hi"}, headers=alice.headers).status_code == 201
    assert api.post(url(MISSING), json={"body": "hi"}, headers=alice.headers).status_code == 404
    assert api.post(url(project), json={"body": "hi"}, headers=bob.headers).status_code == 404


@pytest.mark.functional("Listing a project's comments shows only that project's comments")
def test_list(api: httpx.Client, alice: Account) -> None:
    first, second = new_project(api, alice, "one"), new_project(api, alice, "two")
    for project, body in ((first, "a"), (first, "b"), (second, "c")):
        api.post(url(project), json={"body": body}, headers=alice.headers)
    listed = api.get(url(first), headers=alice.headers).json()
    assert listed["total"] == 2
    assert {c["body"] for c in listed["items"]} == {"a", "b"}


@pytest.mark.functional("Deleting a comment returns 204")
def test_delete(api: httpx.Client, alice: Account) -> None:
    project = new_project(api, alice)
    made = api.post(url(project), json={"body": "oops"}, headers=alice.headers).json()
    assert api.delete(f"/api/v1/comments/{made['id']}", headers=alice.headers).status_code == 204
    assert api.get(url(project), headers=alice.headers).json()["total"] == 0


@pytest.mark.security("CWE-639")
def test_read_foreign_comments(api: httpx.Client, alice: Account, bob: Account) -> None:
    project = new_project(api, alice)
    api.post(url(project), json={"body": "salary figures"}, headers=alice.headers)
    stolen = api.get(url(project), headers=bob.headers)
    assert stolen.status_code in {403, 404}
    assert "salary" not in stolen.text


@pytest.mark.security("CWE-639")
def test_delete_foreign_comment(api: httpx.Client, alice: Account, bob: Account) -> None:
    project = new_project(api, alice)
    made = api.post(url(project), json={"body": "keep me"}, headers=alice.headers).json()
    assert api.delete(f"/api/v1/comments/{made['id']}", headers=bob.headers).status_code in {
        403,
        404,
    }
    assert api.get(url(project), headers=alice.headers).json()["total"] == 1
