"""The offline route: debootstrap a Debian root filesystem, install the runtime, import it.

Needs root on the host (debootstrap, chroot, mount proc) and a reachable Debian mirror, no
container registry. The Debian part (`rootfs-base.sh`, the slow one) is cached as a tar
per `base_hash()`; a requirements change only redoes the runtime and the import.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import docker

from sandbox.base import SandboxError
from sandbox.image.inputs import IMAGE_DIR, REQUIREMENTS, base_hash
from sandbox.image.wheelhouse import ensure_wheelhouse

DEBIAN_MIRROR = "http://deb.debian.org/debian"
IMAGE_CHANGES = [
    "ENV PATH=/opt/runtime/bin:/usr/local/bin:/usr/bin:/bin",
    "ENV LANG=C.UTF-8",
    "USER 1000:1000",
    "WORKDIR /workspace",
    'CMD ["sleep", "infinity"]',
]


CLEAN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}
"""The whole environment of the build steps: no host variable reaches the image."""


def _sh(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=CLEAN_ENV)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout)[-3000:]
        raise SandboxError(f"offline image build: {what} failed:\n{detail}")


def ensure_base(cache_dir: Path, mirror: str) -> Path:
    """Return the cached tar of the Debian root filesystem, running debootstrap once."""
    tar = cache_dir / f"rootfs-base-{base_hash()}.tar"
    if tar.exists():
        return tar
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rootfs-base-", dir=cache_dir) as tmp:
        rootfs = Path(tmp) / "rootfs"
        script = str(IMAGE_DIR / "rootfs-base.sh")
        _sh(["sh", script, str(rootfs), mirror, str(IMAGE_DIR / "packages.txt")], "debootstrap")
        partial = tar.with_suffix(".partial")
        _sh(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(partial), "."], "tar")
        partial.rename(tar)
    return tar


def _install_runtime(rootfs: Path, wheelhouse: Path) -> None:
    build = rootfs / "tmp" / "build"
    shutil.copytree(wheelhouse, build / "wheelhouse")
    shutil.copy2(REQUIREMENTS, build / "requirements.txt")
    shutil.copy2(IMAGE_DIR / "setup-runtime.sh", build / "setup-runtime.sh")
    argv = [
        "chroot",
        str(rootfs),
        "sh",
        "/tmp/build/setup-runtime.sh",
        "/tmp/build/wheelhouse",
        "/tmp/build/requirements.txt",
        "/usr/bin/python3",
    ]
    _sh(argv, "installing the runtime")
    shutil.rmtree(build)


def build_offline(client: docker.DockerClient, tag: str, cache_dir: Path, *, mirror: str) -> None:
    """Build `tag` without a registry: base tar, runtime in a chroot, `docker import`."""
    base = ensure_base(cache_dir, mirror)
    wheelhouse = ensure_wheelhouse(cache_dir)
    with tempfile.TemporaryDirectory(prefix="image-", dir=cache_dir) as tmp:
        rootfs = Path(tmp) / "rootfs"
        rootfs.mkdir()
        _sh(["tar", "-C", str(rootfs), "--numeric-owner", "-xf", str(base)], "unpacking the base")
        _install_runtime(rootfs, wheelhouse)
        image_tar = Path(tmp) / "image.tar"
        _sh(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(image_tar), "."], "tar")
        repository, _, version = tag.partition(":")
        client.api.import_image_from_file(
            str(image_tar), repository=repository, tag=version, changes=IMAGE_CHANGES
        )
