"""Choose a route and build the sandbox image when the engine does not have it yet."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import docker
import docker.errors

from sandbox.image.dockerfile import BASE_IMAGE, build_from_dockerfile
from sandbox.image.inputs import REPOSITORY, image_tag
from sandbox.image.offline import DEBIAN_MIRROR, build_offline

log = logging.getLogger(__name__)

BuildRoute = Literal["auto", "dockerfile", "offline"]


def _has_image(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def _registry_answers(client: docker.DockerClient) -> bool:
    """True when the base image is here or can be pulled (the registry route works)."""
    if _has_image(client, BASE_IMAGE):
        return True
    try:
        client.images.pull(BASE_IMAGE)
    except docker.errors.APIError as exc:
        log.info("no container registry (%s): building the image offline", exc.explanation)
        return False
    return True


def ensure_image(
    client: docker.DockerClient,
    cache_dir: Path,
    *,
    route: BuildRoute = "auto",
    mirror: str = DEBIAN_MIRROR,
) -> str:
    """Return the image tag, building it first if the engine lacks it.

    `route="auto"` takes the Dockerfile route when `python:3.11-slim` can be had from a
    registry, else the offline route. `cache_dir` keeps the wheelhouse and the offline
    route's Debian root filesystem between builds.
    """
    tag = image_tag()
    if _has_image(client, tag):
        return tag
    if route == "auto":
        route = "dockerfile" if _registry_answers(client) else "offline"
    log.info("building sandbox image %s (%s route)", tag, route)
    if route == "dockerfile":
        build_from_dockerfile(client, tag, cache_dir)
    else:
        build_offline(client, tag, cache_dir, mirror=mirror)
    return tag


def prune_images(client: docker.DockerClient) -> tuple[list[str], list[str]]:
    """Remove the sandbox images of earlier inputs (every `backend-agent-sandbox:*` tag but
    the current one). Returns (removed, kept): an image a container still uses is kept."""
    current = image_tag()
    removed: list[str] = []
    kept: list[str] = []
    for image in client.images.list(name=REPOSITORY):
        for tag in image.tags:
            if tag == current or not tag.startswith(f"{REPOSITORY}:"):
                continue
            try:
                client.images.remove(tag)
            except docker.errors.APIError as exc:  # in use by a container (409)
                log.info("kept %s: %s", tag, exc.explanation)
                kept.append(tag)
            else:
                removed.append(tag)
    return removed, kept
