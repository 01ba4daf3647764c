"""The workspace mirror: a copy of the host workspace that the container's user may write.

Why a copy and not the user's folder bind-mounted: the repository belongs to the host user
(root here), the sandbox runs as uid 1000, and we must neither chown the user's repo nor
run generated code as root. So each sandbox owns a mirror folder (uid 1000) that is
bind-mounted at /workspace. `push()` before a command makes the mirror equal to the host
folder; `pull()` after it brings the command's writes and deletions back. Only changed
files are copied (size and mtime, which `copy2` carries across), so a warm run costs a
folder scan. `.git` and `.backend-agent` (checkpoints) never enter the container.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

log = logging.getLogger(__name__)

EXCLUDED = frozenset({".git", ".backend-agent"})


def scan(root: Path) -> dict[str, os.stat_result]:
    """Every path under `root` (relative, `/`-joined), lstat'ed, without following links."""
    found: dict[str, os.stat_result] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_dir = here.relative_to(root)
        if rel_dir == Path("."):
            dirs[:] = [d for d in dirs if d not in EXCLUDED]
            files = [f for f in files if f not in EXCLUDED]
        for name in [*dirs, *files]:
            found[(rel_dir / name).as_posix()] = os.lstat(here / name)
    return found


def _kind(st: os.stat_result | None) -> str:
    if st is None:
        return "none"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISLNK(st.st_mode):
        return "link"
    return "file" if stat.S_ISREG(st.st_mode) else "other"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _link_stays_inside(link: Path, root: Path) -> bool:
    target = os.readlink(link)
    resolved = Path(os.path.normpath(link.parent / target))
    return not os.path.isabs(target) and resolved.is_relative_to(root)


class WorkspaceMirror:
    """Keeps `mirror` (bind-mounted into the container) and the host `source` in step."""

    def __init__(self, source: Path, mirror: Path, *, owner: tuple[int, int] | None) -> None:
        self.source = source
        self.mirror = mirror
        self._owner = owner
        self._synced: set[str] = set()
        mirror.mkdir(parents=True, exist_ok=True)
        self._chown(mirror)

    def _chown(self, path: Path) -> None:
        if self._owner is not None:
            os.chown(path, *self._owner, follow_symlinks=False)

    def push(self) -> None:
        """Make the mirror equal to the host workspace (before a command)."""
        src, dst = scan(self.source), scan(self.mirror)
        for rel in sorted(set(dst) - set(src), reverse=True):
            _remove(self.mirror / rel)
        self._copy_tree(self.source, self.mirror, src, dst, into_container=True)
        self._synced = set(src)

    def pull(self) -> None:
        """Bring the command's writes and deletions back to the host workspace."""
        src, dst = scan(self.mirror), scan(self.source)
        for rel in sorted((self._synced - set(src)) & set(dst), reverse=True):
            _remove(self.source / rel)
        self._copy_tree(self.mirror, self.source, src, dst, into_container=False)
        self._synced = set(src)

    def _copy_tree(
        self,
        from_root: Path,
        to_root: Path,
        src: dict[str, os.stat_result],
        dst: dict[str, os.stat_result],
        *,
        into_container: bool,
    ) -> None:
        for rel in sorted(src):  # a folder sorts before what it holds
            have, want = dst.get(rel), src[rel]
            kind = _kind(want)
            if kind == "other":
                continue
            if _kind(have) != kind and have is not None:
                _remove(to_root / rel)
                have = None
            self._copy_one(
                from_root / rel, to_root / rel, kind, have, want, into_container=into_container
            )

    def _copy_one(
        self,
        origin: Path,
        target: Path,
        kind: str,
        have: os.stat_result | None,
        want: os.stat_result,
        *,
        into_container: bool,
    ) -> None:
        if kind == "dir":
            target.mkdir(exist_ok=True)
        elif kind == "link":
            if not into_container and not _link_stays_inside(origin, self.mirror):
                log.warning("not copying back %s: a link out of the workspace", origin)
                return
            if have is not None and os.readlink(origin) == os.readlink(target):
                return
            target.unlink(missing_ok=True)
            target.symlink_to(os.readlink(origin))
        elif have is None or not _same_file(have, want):
            shutil.copy2(origin, target, follow_symlinks=False)
        else:
            return
        if into_container:
            self._chown(target)

    def remove(self) -> None:
        """Delete the mirror folder (the host workspace stays)."""
        shutil.rmtree(self.mirror, ignore_errors=True)
