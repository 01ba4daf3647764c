"""The service runtime on the host: a virtualenv with `requirements.txt`, keyed by its hash.

The local sandbox runs generated code with it; the Docker image installs the same file.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from sandbox.base import SandboxError

REQUIREMENTS = Path(__file__).with_name("requirements.txt")


def requirements_hash() -> str:
    """A short content hash of the runtime requirements (names the venv and the image)."""
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]


def ensure_runtime(cache_dir: Path) -> Path:
    """Return the runtime venv's python, creating and filling the venv once per hash."""
    venv = cache_dir / f"runtime-{requirements_hash()}"
    python = venv / "bin" / "python"
    marker = venv / ".complete"
    if marker.exists():
        return python
    cache_dir.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
    ]
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SandboxError(
                f"building the service runtime failed: {' '.join(argv)}\n{done.stderr[-2000:]}"
            )
    marker.write_text(requirements_hash())
    return python
