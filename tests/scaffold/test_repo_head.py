"""The scaffold's next migration follows the repo's head, including a migration a model
added itself (`make_migration`), so the history never forks into two heads."""

from __future__ import annotations

from pathlib import Path

from agent.scaffold.migrations import repo_head


def _migration(folder: Path, revision: str, down: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{revision}.py").write_text(
        f'"""m"""\n\nrevision = {revision!r}\ndown_revision = {down!r}\n'
    )


def test_a_models_migration_after_the_scaffolds_is_the_head(tmp_path: Path) -> None:
    """0001 (scaffold) <- 9f3c_add_pinned (model): the next one follows the model's."""
    versions = tmp_path / "alembic" / "versions"
    _migration(versions, "0001_notes_1", None)
    _migration(versions, "9f3c_add_pinned", "0001_notes_1")
    assert repo_head(tmp_path, "0001_notes_1") == "9f3c_add_pinned"


def test_the_recorded_head_stands_when_the_folder_cannot_say(tmp_path: Path) -> None:
    """No folder, or two heads already: the manifest's last revision."""
    assert repo_head(tmp_path, "0001_notes_1") == "0001_notes_1"
    versions = tmp_path / "alembic" / "versions"
    _migration(versions, "0001_a", None)
    _migration(versions, "0002_b", "0001_a")
    _migration(versions, "0002_c", "0001_a")
    assert repo_head(tmp_path, "0002_b") == "0002_b"
