"""Write the generated service into a repo without clobbering anyone's work.

The manifest (`.backend-agent/manifest.json`) remembers the spec built so far, the
migrations written, and the hash of every file as the scaffold last wrote it. A file whose
content no longer has that hash was edited by hand (or is not ours): it is left alone and
reported. Re-running on the same repo changes nothing that is already there.

Before a step writes anything it journals the paths it is about to write (`pending`), so a
run killed between writing files and saving the manifest does not, on resume, mistake its
own half-finished files for hand edits and keep them forever.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from agent.scaffold import migrations, render
from agent.scaffold.migrations import MigrationRecord
from agent.spec.types import ServiceSpec

STATE_DIR = ".backend-agent"
Formatter = Callable[[list[str]], None]


class Manifest(BaseModel):
    spec: ServiceSpec = Field(default_factory=ServiceSpec)
    files: dict[str, str] = Field(default_factory=dict)
    migrations: list[MigrationRecord] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    pending: dict[str, str] = Field(default_factory=dict)  # path -> digest, being written

    @classmethod
    def load(cls, repo: Path) -> Manifest:
        path = repo / STATE_DIR / "manifest.json"
        return cls.model_validate_json(path.read_text()) if path.exists() else cls()

    def save(self, repo: Path) -> None:
        path = repo / STATE_DIR / "manifest.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.model_dump(mode="json"), indent=1, sort_keys=True))


class ScaffoldResult(BaseModel):
    """What one scaffold step did to the repo."""

    item_id: str
    written: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    kept_hand_edits: list[str] = Field(default_factory=list)
    migration: MigrationRecord | None = None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _plan_writes(
    repo: Path, manifest: Manifest, rendered: dict[str, str], result: ScaffoldResult
) -> dict[str, str]:
    writes = {}
    for rel, content in sorted(rendered.items()):
        path = repo / rel
        if not path.exists():
            writes[rel] = content
            continue
        current = path.read_text()
        ours = manifest.files.get(rel) == digest(current)
        if not ours and rel in manifest.pending:
            writes[rel] = content  # written by a step that died before saving the manifest
        elif not ours:
            result.kept_hand_edits.append(rel)
        elif manifest.files.get(f"{rel}#source") == digest(content):
            result.unchanged.append(rel)
        else:
            writes[rel] = content
    return writes


def scaffold_item(repo: Path, full: ServiceSpec, item_id: str, fmt: Formatter) -> ScaffoldResult:
    """Bring the repo to the spec of every item done so far plus `item_id`."""
    manifest = Manifest.load(repo)
    target = full.slice({*manifest.items, item_id})
    result = ScaffoldResult(item_id=item_id)
    rendered = render.files(target)
    change = migrations.diff(manifest.spec.entities, target.entities)
    if not migrations.is_empty(change):
        recorded = manifest.migrations[-1].revision if manifest.migrations else None
        down = migrations.repo_head(repo, recorded)
        path, content, record = migrations.render_migration(
            len(manifest.migrations) + 1, item_id, down, change
        )
        rendered[path] = content
        result.migration = record
        manifest.migrations.append(record)
    writes = _plan_writes(repo, manifest, rendered, result)
    _journal(repo, {rel: digest(content) for rel, content in writes.items()})
    for rel, content in writes.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(content)
    python_files = [rel for rel in writes if rel.endswith(".py")]
    if python_files:
        fmt(python_files)
    for rel in writes:
        manifest.files[rel] = digest((repo / rel).read_text())
        manifest.files[f"{rel}#source"] = digest(writes[rel])
    result.written = sorted(writes)
    manifest.spec = target
    manifest.items = [*manifest.items, item_id] if item_id not in manifest.items else manifest.items
    manifest.pending = {}
    manifest.save(repo)
    return result


def _journal(repo: Path, pending: dict[str, str]) -> None:
    """Record, in the manifest on disk and nothing else of it, what is about to be written."""
    on_disk = Manifest.load(repo)
    on_disk.pending = {**on_disk.pending, **pending}
    on_disk.save(repo)
