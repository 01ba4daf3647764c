"""The engine-free parts of the sandbox: the workspace mirror, output tails, sizes, image tags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.docker.execution import OutputTail, in_container_argv
from sandbox.docker.limits import parse_bytes
from sandbox.docker.sync import WorkspaceMirror
from sandbox.image import inputs


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, WorkspaceMirror]:
    host = tmp_path / "host"
    host.mkdir()
    return host, WorkspaceMirror(host, tmp_path / "mirror", owner=None)


def test_push_mirrors_files_folders_and_deletions(pair: tuple[Path, WorkspaceMirror]) -> None:
    """push() makes the mirror equal to the host folder, keeping .git and checkpoints out."""
    host, mirror = pair
    (host / "app").mkdir()
    (host / "app" / "main.py").write_text("print(1)")
    (host / ".git").mkdir()
    (host / ".backend-agent").mkdir()
    mirror.push()
    assert (mirror.mirror / "app" / "main.py").read_text() == "print(1)"
    assert not (mirror.mirror / ".git").exists()
    assert not (mirror.mirror / ".backend-agent").exists()
    (host / "app" / "main.py").unlink()
    mirror.push()
    assert not (mirror.mirror / "app" / "main.py").exists()


def test_pull_brings_back_writes_and_only_synced_deletions(
    pair: tuple[Path, WorkspaceMirror],
) -> None:
    """pull() copies new files back and deletes only what the command deleted."""
    host, mirror = pair
    (host / "keep.txt").write_text("k")
    (host / "doomed.txt").write_text("d")
    mirror.push()
    (host / "late.txt").write_text("written on the host during the command")
    (mirror.mirror / "doomed.txt").unlink()
    (mirror.mirror / "junit.xml").write_text("<testsuite/>")
    mirror.pull()
    assert (host / "junit.xml").read_text() == "<testsuite/>"
    assert not (host / "doomed.txt").exists()
    assert (host / "late.txt").exists()
    assert (host / "keep.txt").read_text() == "k"


def test_pull_never_follows_a_link_out_of_the_workspace(
    pair: tuple[Path, WorkspaceMirror], tmp_path: Path
) -> None:
    """A symlink made inside that points outside the workspace is not copied back."""
    host, mirror = pair
    mirror.push()
    os.symlink("/etc/passwd", mirror.mirror / "passwd")
    os.symlink("inside.txt", mirror.mirror / "alias")
    (mirror.mirror / "inside.txt").write_text("i")
    mirror.pull()
    assert not (host / "passwd").is_symlink()
    assert os.readlink(host / "alias") == "inside.txt"


def test_pull_replaces_a_host_link_by_the_folder_made_inside(
    pair: tuple[Path, WorkspaceMirror], tmp_path: Path
) -> None:
    """A host symlink that became a folder inside is replaced, never written through."""
    host, mirror = pair
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, host / "data")
    mirror.push()
    (mirror.mirror / "data").unlink()
    (mirror.mirror / "data").mkdir()
    (mirror.mirror / "data" / "evil.txt").write_text("x")
    mirror.pull()
    assert not list(outside.iterdir())
    assert (host / "data" / "evil.txt").exists()


def test_output_tail_keeps_the_end_and_says_it_cut() -> None:
    """Past the cap the oldest bytes go; the tail and a truncated flag remain."""
    tail = OutputTail(10)
    for _ in range(10):
        tail.add(b"0123456789")
    tail.add(b"END")
    text, cut = tail.text()
    assert (text, cut) == ("3456789END", True)
    assert OutputTail(10).text() == ("", False)


def test_every_command_is_wrapped_in_an_in_container_timeout() -> None:
    """The container kills the command itself (timeout -s KILL), whatever the host does."""
    assert in_container_argv(["pytest", "-q"], 2.5) == [
        "timeout",
        "-s",
        "KILL",
        "2.500s",
        "pytest",
        "-q",
    ]


@pytest.mark.parametrize(
    ("size", "expected"), [("256m", 256 << 20), ("2g", 2 << 30), ("1024", 1024), ("1.5k", 1536)]
)
def test_docker_sizes_parse(size: str, expected: int) -> None:
    """Docker's size notation reads as bytes (the check allocates past the limit)."""
    assert parse_bytes(size) == expected


def test_image_tag_changes_with_its_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tag is a content hash: another requirements file, another image."""
    before = inputs.image_tag()
    other = tmp_path / "requirements.txt"
    other.write_text("fastapi==0.0.1\n")
    monkeypatch.setattr(inputs, "REQUIREMENTS", other)
    assert inputs.image_tag() != before
    assert inputs.image_tag().startswith("backend-agent-sandbox:")
