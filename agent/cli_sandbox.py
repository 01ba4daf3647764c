"""`backend-agent sandbox ...`: build the sandbox image, and prove its isolation.

The edge of the sandbox: it reads DOCKER_HOST and the cache folder, connects, and turns
"no engine" into `SandboxUnavailable` with how to start one.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import docker
import typer

from agent.errors import SandboxUnavailable
from sandbox.check import run_check
from sandbox.docker import DEFAULT_DOCKER_URL, EngineUnavailable, connect
from sandbox.image import BuildRoute, ensure_image, prune_images

sandbox_app = typer.Typer(
    help="The Docker sandbox: build its image, check its isolation, prune old images."
)

CacheOption = Annotated[
    Path | None,
    typer.Option(
        help="Wheelhouse, Debian root filesystem and mirrors live here "
        "(default ~/.cache/backend-agent)."
    ),
]
RouteOption = Annotated[
    str, typer.Option(help="auto | dockerfile (needs a registry) | offline (debootstrap).")
]


def default_cache_dir() -> Path:
    """`~/.cache/backend-agent`, where every sandbox artefact of this user is kept."""
    return Path.home() / ".cache" / "backend-agent"


def _client() -> docker.DockerClient:
    try:
        return connect(os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_URL)
    except EngineUnavailable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(SandboxUnavailable.exit_code) from exc


def _route(value: str) -> BuildRoute:
    if value not in ("auto", "dockerfile", "offline"):
        raise typer.BadParameter("route must be auto, dockerfile or offline")
    return value  # type: ignore[return-value]  # narrowed by the check above


@sandbox_app.command()
def build(cache_dir: CacheOption = None, route: RouteOption = "auto") -> None:
    """Build the sandbox image if the engine lacks it; print its tag."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    typer.echo(ensure_image(_client(), cache_dir or default_cache_dir(), route=_route(route)))


@sandbox_app.command()
def check(cache_dir: CacheOption = None, route: RouteOption = "auto") -> None:
    """Run the isolation self-test in a fresh container; print findings; exit 0 iff all hold."""
    client, cache = _client(), cache_dir or default_cache_dir()
    image = ensure_image(client, cache, route=_route(route))
    findings = run_check(client, image, cache_dir=cache)
    typer.echo(json.dumps(findings, indent=2))
    raise typer.Exit(0 if findings["ok"] else 1)


@sandbox_app.command()
def prune() -> None:
    """Remove sandbox images of earlier inputs (one per change of requirements or build
    files, ~600 MB each); the current image and any image a container uses are kept."""
    removed, kept = prune_images(_client())
    for tag in removed:
        typer.echo(f"removed {tag}")
    for tag in kept:
        typer.echo(f"kept {tag} (in use)")
    if not removed and not kept:
        typer.echo("nothing to prune")


if __name__ == "__main__":  # `python -m agent.cli_sandbox build` before the CLI mounts it
    sandbox_app()
