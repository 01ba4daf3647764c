"""The registry route: `docker build` of `Dockerfile` with the wheelhouse in its context."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import docker
import docker.errors

from sandbox.base import SandboxError
from sandbox.image.inputs import IMAGE_DIR, REQUIREMENTS
from sandbox.image.wheelhouse import ensure_wheelhouse

BASE_IMAGE = "python:3.11-slim"


def build_from_dockerfile(
    client: docker.DockerClient, tag: str, cache_dir: Path, *, base: str = BASE_IMAGE
) -> None:
    """Build `tag` from `Dockerfile` on `base`; the context gets only the build files and
    wheels."""
    wheelhouse = ensure_wheelhouse(cache_dir)
    with tempfile.TemporaryDirectory(prefix="image-context-", dir=cache_dir) as tmp:
        context = Path(tmp)
        for name in ("Dockerfile", "setup-runtime.sh", "packages.txt"):
            shutil.copy2(IMAGE_DIR / name, context / name)
        shutil.copy2(REQUIREMENTS, context / "requirements.txt")
        shutil.copytree(wheelhouse, context / "wheelhouse")
        try:
            client.images.build(
                path=str(context), tag=tag, rm=True, forcerm=True, buildargs={"BASE": base}
            )
        except docker.errors.BuildError as exc:
            lines = [str(step.get("stream", "")) for step in exc.build_log]
            raise SandboxError(f"image build failed: {exc.msg}\n{''.join(lines)[-3000:]}") from exc
