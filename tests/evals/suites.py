"""Small eval suites built in a temporary folder, in the format of `evals/suites/`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

NOTES = Path(__file__).parents[1] / "data" / "notes.json"
BOOKMARKS = {
    "backlog_items": [
        {
            "id": "BM-1",
            "user_story": "As a reader I keep bookmarks with a title and a link.",
            "api_requirements": [
                {
                    "method": "POST",
                    "endpoint": "/bookmarks",
                    "request_schema": {"title": "string(1-80)", "url": "string(1-300)"},
                    "auth_required": False,
                },
                {"method": "GET", "endpoint": "/bookmarks/{bookmark_id}", "auth_required": False},
            ],
            "data_requirements": {"entities": ["Bookmark"]},
            "acceptance_criteria": ["A bookmark is created with 201 and read back"],
            "priority": 10,
        }
    ]
}
NOTES_TESTS = """import pytest


@pytest.mark.functional("Creating a note returns 201")
def test_create_note(api, unique):
    response = api.post("/notes", json={"title": f"note {unique}"})
    assert response.status_code == 201, response.text


@pytest.mark.functional("A note is read back")
def test_read_note(api, unique):
    note_id = api.post("/notes", json={"title": f"note {unique}"}).json()["id"]
    assert api.get(f"/notes/{note_id}").json()["title"] == f"note {unique}"


@pytest.mark.security("CWE-20")
def test_oversized_title_is_refused(api):
    assert api.post("/notes", json={"title": "x" * 500}).status_code == 422
"""
BOOKMARK_TESTS = """import pytest


@pytest.mark.functional("A bookmark is created with 201 and read back")
def test_bookmark_round_trip(api, unique):
    created = api.post("/bookmarks", json={"title": unique, "url": f"https://x.test/{unique}"})
    assert created.status_code == 201, created.text
    assert api.get(f"/bookmarks/{created.json()['id']}").json()["title"] == unique
"""
ALWAYS_PASSES = """import pytest


@pytest.mark.functional("arithmetic still works")
def test_passes_without_any_service():
    assert 1 + 1 == 2
"""


def add_task(suite: Path, task_id: str, backlog: dict[str, object], tests: dict[str, str]) -> Path:
    folder = suite / task_id
    (folder / "hidden").mkdir(parents=True)
    (folder / "task.toml").write_text(
        f'id = "{task_id}"\ntitle = "{task_id}"\ndomain = "tests"\n'
        'kind = "greenfield"\noffline = true\np95_ms = 200\n'
    )
    (folder / "backlog.json").write_text(json.dumps(backlog, indent=1))
    for name, text in tests.items():
        (folder / "hidden" / name).write_text(text)
    return folder


def small_suite(root: Path, *, broken: bool = False) -> Path:
    """Two offline-resolvable tasks (notes, bookmarks); with `broken`, the notes task has a
    hidden test that passes with no service at all."""
    suite = root / "suite"
    suite.mkdir(parents=True)
    (suite / "suite.toml").write_text('name = "small"\ndescription = "two tasks"\n')
    notes_tests = {"test_notes.py": NOTES_TESTS}
    if broken:
        notes_tests["test_broken.py"] = ALWAYS_PASSES
    add_task(suite, "notes", json.loads(NOTES.read_text()), notes_tests)
    add_task(suite, "bookmarks", BOOKMARKS, {"test_bookmarks.py": BOOKMARK_TESTS})
    return suite


def copy_suite(suite: Path, dest: Path) -> Path:
    shutil.copytree(suite, dest)
    return dest
