"""Every path a tool takes stays inside the workspace, and protected folders stay unwritten."""

from __future__ import annotations

import os

import pytest

from tools.base import ToolError
from tools.workspace import Workspace


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../outside.txt", "contains '..'"),
        ("app/../../outside.txt", "contains '..'"),
        ("/etc/passwd", "is absolute"),
        ("", "empty"),
    ],
)
def test_escapes_are_refused(workspace, path, why):
    """`..`, absolute and empty paths never resolve."""
    with pytest.raises(ToolError, match=why):
        Workspace(workspace).resolve(path)


def test_symlinks_out_are_refused_and_symlinks_in_are_fine(workspace, tmp_path):
    """A link (file or folder) that resolves outside is refused; one inside is followed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    os.symlink(secret, workspace / "leak.txt")
    os.symlink(tmp_path, workspace / "up")
    os.symlink(workspace / "app" / "pricing.py", workspace / "alias.py")
    ws = Workspace(workspace)

    for path in ("leak.txt", "up/secret.txt", "up/new.txt"):
        with pytest.raises(ToolError, match="outside the workspace"):
            ws.resolve(path, write=path.endswith("new.txt"))
    assert ws.resolve("alias.py") == (workspace / "app" / "pricing.py").resolve()
    assert [ws.relative(p) for p in ws.files(workspace)].count("leak.txt") == 0


@pytest.mark.parametrize("path", [".git/config", "./.git/hooks/pre-commit", ".backend-agent/x.db"])
def test_writes_into_git_and_checkpoints_are_refused(workspace, path):
    """Tools may read .git but never write it, nor the agent's own .backend-agent folder."""
    with pytest.raises(ToolError, match="never write"):
        Workspace(workspace).resolve(path, write=True)
    Workspace(workspace).resolve(path)  # reading is allowed


def test_a_link_into_git_cannot_be_written_through(workspace):
    """Writing through a symlink that lands in .git is refused like writing .git itself."""
    os.symlink(workspace / ".git" / "HEAD", workspace / "head")
    with pytest.raises(ToolError, match="never write"):
        Workspace(workspace).resolve("head", write=True)


def test_the_verify_folder_is_out_of_the_models_view(toolbox, workspace):
    """`.verify/` (the gates' working files) is neither listed, searched nor read; the
    refusal points at show_evidence."""
    (workspace / ".verify").mkdir()
    (workspace / ".verify" / "live_plan.json").write_text('{"secret": "probe data"}')
    assert ".verify" not in toolbox.call("list_files", {"path": "."}).output
    assert "no matches" in toolbox.call("search", {"pattern": "probe data"}).output
    refused = toolbox.call("read_file", {"path": ".verify/live_plan.json"})
    assert refused.is_error and "show_evidence" in refused.output
