"""`backend-agent import-openapi`: an OpenAPI 3.x document (and a Markdown text spec) in,
a backlog file out, checked against the Input Schema.

Problems go to stderr one line each (`error: #/paths/~1books/post/...: ...`, exit 2), and
so do the import's own decisions (`warning: POST /login is under the document's global
security; ...`). Lines are printed as they are: never wrapped, never read as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.errors import BackendAgentError, BacklogError
from agent.importer import import_files


def _say(kind: str, text: str) -> None:
    for line in text.splitlines() or [""]:
        typer.echo(f"{kind}: {line}", err=True)


def import_openapi(
    openapi: Annotated[Path, typer.Argument(help="The OpenAPI 3.x document (YAML or JSON).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The backlog file to write.")],
    spec: Annotated[
        Path | None,
        typer.Option("--spec", help="Markdown: user stories, rules, acceptance criteria."),
    ] = None,
) -> None:
    """Convert an OpenAPI document (plus an optional text spec) into a backlog file."""
    warnings: list[str] = []
    try:
        backlog = import_files(openapi, spec, warnings)
    except BacklogError as exc:
        for problem in exc.problems:
            _say("error", " ".join(problem.split()))
        raise typer.Exit(exc.exit_code) from None
    except BackendAgentError as exc:
        _say("error", str(exc))
        raise typer.Exit(exc.exit_code) from None
    except RecursionError:
        _say("error", f"#: {openapi} nests too deep to read")
        raise typer.Exit(2) from None
    for warning in warnings:
        _say("warning", warning)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(backlog.model_dump_json(indent=2, exclude_defaults=True) + "\n")
    endpoints = sum(len(i.api_requirements) for i in backlog.backlog_items)
    typer.echo(
        f"ok: {len(backlog.backlog_items)} item(s), {endpoints} endpoint(s) -> {output}", err=True
    )
