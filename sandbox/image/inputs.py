"""What an image is built from, and the content hashes that name it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

IMAGE_DIR = Path(__file__).parent
REQUIREMENTS = IMAGE_DIR.parent / "requirements.txt"
TARGET_EXTRAS = IMAGE_DIR / "target-extras.txt"
BUILD_BACKEND = IMAGE_DIR / "build-backend.txt"
REPOSITORY = "backend-agent-sandbox"

BASE_FILES = ("rootfs-base.sh", "packages.txt")
"""The offline route's Debian root filesystem depends on these only (cached apart)."""
BUILD_FILES = ("Dockerfile", "setup-runtime.sh", "target-extras.txt", *BASE_FILES)


def _digest(paths: Iterable[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]


def inputs_hash() -> str:
    """Hash of requirements.txt and every build file: changes exactly when the image must."""
    return _digest([REQUIREMENTS, *(IMAGE_DIR / name for name in BUILD_FILES)])


def base_hash() -> str:
    """Hash of what the offline route's root filesystem (before the runtime) depends on."""
    return _digest(IMAGE_DIR / name for name in BASE_FILES)


def wheelhouse_hash() -> str:
    """Hash of what the wheelhouse holds: requirements.txt, the target's extras and the
    generated service's build backend."""
    return _digest([REQUIREMENTS, TARGET_EXTRAS, BUILD_BACKEND])


def image_tag() -> str:
    """The image's full name, e.g. `backend-agent-sandbox:3f2a9c1d0b7e`."""
    return f"{REPOSITORY}:{inputs_hash()}"
