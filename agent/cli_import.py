"""`backend-agent import-openapi`: an OpenAPI 3.x document (and a Markdown text spec) in,
a backlog file out, checked against the Input Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agent.errors import BackendAgentError
from agent.importer import import_files

console = Console(stderr=True)


def import_openapi(
    openapi: Annotated[Path, typer.Argument(help="The OpenAPI 3.x document (YAML or JSON).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The backlog file to write.")],
    spec: Annotated[
        Path | None,
        typer.Option("--spec", help="Markdown: user stories, rules, acceptance criteria."),
    ] = None,
) -> None:
    """Convert an OpenAPI document (plus an optional text spec) into a backlog file."""
    try:
        backlog = import_files(openapi, spec)
    except BackendAgentError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(getattr(exc, "exit_code", 1)) from None
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(backlog.model_dump_json(indent=2, exclude_defaults=True) + "\n")
    endpoints = sum(len(i.api_requirements) for i in backlog.backlog_items)
    console.print(f"ok: {len(backlog.backlog_items)} item(s), {endpoints} endpoint(s) -> {output}")
