"""The wheelhouse: every wheel `requirements.txt` needs, downloaded on the host once.

Containers never reach an index; the image build installs from this folder alone, and the
sandbox mounts it read-only, so a clean install of the generated service (the package gate)
finds its dependencies and its build backend (`build-backend.txt`) here, offline.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sandbox.base import SandboxError
from sandbox.image.inputs import BUILD_BACKEND, REQUIREMENTS, TARGET_EXTRAS, wheelhouse_hash

PYTHON_VERSION = "3.11"
"""The Python of both image routes (Debian bookworm's python3, python:3.11-slim)."""


def ensure_wheelhouse(cache_dir: Path) -> Path:
    """Return the folder of wheels for the current requirements, downloading them once.

    pip runs on the host with the host's own pip settings (index, proxy, certificates).
    """
    folder = cache_dir / f"wheelhouse-{wheelhouse_hash()}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "-q",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--python-version",
        PYTHON_VERSION,
        "-d",
        str(partial),
        "-r",
        str(REQUIREMENTS),
        "-r",
        str(TARGET_EXTRAS),
        "-r",
        str(BUILD_BACKEND),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SandboxError(f"filling the wheelhouse failed:\n{done.stderr[-2000:]}")
    shutil.copy2(REQUIREMENTS, partial / "requirements.txt")
    (partial / ".complete").write_text(wheelhouse_hash())
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder
