"""A scaffold step killed between writing its files and saving the manifest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import Manifest, scaffold_item
from agent.spec.compiler import compile_backlog
from sandbox.local import LocalSandbox

EXAMPLES = Path(__file__).parents[2] / "examples"


class Killed(Exception):
    """Stands for the process dying: nothing after the raise runs."""


def _dies(files: list[str]) -> None:
    raise Killed(f"killed while formatting {len(files)} file(s)")


def test_resumed_step_rewrites_its_own_half_written_files(
    tmp_path: Path, local_box: Callable[[Path], LocalSandbox]
) -> None:
    """Files written by a step that died before the manifest was saved are rewritten (and
    formatted) on resume, not kept as hand edits; the item's migration is written once."""
    spec = compile_backlog(load_backlog(EXAMPLES / "taskboard.json"))
    first = spec.item_ids()[0]
    with pytest.raises(Killed):
        scaffold_item(tmp_path, spec, first, _dies)
    assert (tmp_path / "backend" / "main.py").exists()
    assert Manifest.load(tmp_path).items == []

    result = scaffold_item(tmp_path, spec, first, ruff_formatter(local_box(tmp_path)))

    assert result.kept_hand_edits == []
    assert "backend/main.py" in result.written
    assert result.migration is not None and result.migration.revision == "0001_auth_1"
    manifest = Manifest.load(tmp_path)
    assert manifest.pending == {} and manifest.items == [first]
    assert [m.revision for m in manifest.migrations] == ["0001_auth_1"]


def test_a_hand_edit_made_before_the_crashed_step_is_still_kept(
    tmp_path: Path, local_box: Callable[[Path], LocalSandbox]
) -> None:
    """The journal only covers what the dying step wrote: an earlier hand edit stays."""
    box = local_box(tmp_path)
    spec = compile_backlog(load_backlog(EXAMPLES / "taskboard.json"))
    first, second = spec.item_ids()[:2]
    scaffold_item(tmp_path, spec, first, ruff_formatter(box))
    main = tmp_path / "backend" / "main.py"
    main.write_text(main.read_text() + "\n# a human was here\n")
    with pytest.raises(Killed):
        scaffold_item(tmp_path, spec, second, _dies)

    result = scaffold_item(tmp_path, spec, second, ruff_formatter(box))

    assert "backend/main.py" in result.kept_hand_edits
    assert main.read_text().endswith("# a human was here\n")
    assert result.migration is not None
