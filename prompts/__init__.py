"""Prompt templates (Jinja2, StrictUndefined). Presentation only; depends on nothing of ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).parent


def render(name: str, **context: Any) -> str:
    """Render `prompts/<name>.j2` with `context`; a missing variable is an error."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env.get_template(f"{name}.j2").render(**context)


def template_names() -> list[str]:
    """Every prompt template shipped, by name (without `.j2`)."""
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.j2"))
