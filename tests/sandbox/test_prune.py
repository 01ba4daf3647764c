"""`backend-agent sandbox prune`: images of earlier inputs go, the current one and any image
a container still uses stay."""

from __future__ import annotations

import io
import secrets
import subprocess
import sys
from pathlib import Path

import docker
import docker.errors
import pytest

from sandbox.image import image_tag, prune_images
from sandbox.image.inputs import REPOSITORY

pytestmark = pytest.mark.docker
ROOT = Path(__file__).parents[2]


def _old_image(client: docker.DockerClient, current: str) -> str:
    """A distinct image tagged as the sandbox of some earlier inputs."""
    token = secrets.token_hex(4)
    tag = f"{REPOSITORY}:old{token}"
    layer = f"FROM {current}\nLABEL backend-agent.test=prune-{token}\n"  # an image of its own
    client.images.build(fileobj=io.BytesIO(layer.encode()), tag=tag, rm=True)
    return tag


def test_prune_removes_earlier_images_and_keeps_current_and_used(
    docker_client: docker.DockerClient, image: str
) -> None:
    """An unused old image is removed; one a (stopped) container uses is kept and said so;
    the current image is untouched."""
    assert image == image_tag()
    unused, used = _old_image(docker_client, image), _old_image(docker_client, image)
    container = docker_client.containers.create(used, ["true"])
    try:
        removed, kept = prune_images(docker_client)
        assert unused in removed and used in kept
        assert image not in removed + kept
        docker_client.images.get(image)
        with pytest.raises(docker.errors.ImageNotFound):
            docker_client.images.get(unused)
    finally:
        container.remove(force=True)
        docker_client.images.remove(used, force=True)


def test_prune_through_the_cli(docker_client: docker.DockerClient, image: str) -> None:
    """The command prints what it removed and exits 0."""
    old = _old_image(docker_client, image)
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "sandbox", "prune"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"removed {old}" in done.stdout
