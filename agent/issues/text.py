"""Reading an issue body: hidden text removed, the fenced JSON block, the form's sections.

GitHub renders an issue form as `### Label` headings, each followed by the value typed
into that field (`_No response_` when an optional field was left empty).
"""

from __future__ import annotations

import re

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_FENCE = re.compile(r"^```[ \t]*json[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
NO_RESPONSE = "_No response_"


def strip_hidden(text: str) -> str:
    """`text` without HTML comments (an unclosed one hides the rest, as GitHub renders it)."""
    return _COMMENT.sub("", text)


def fenced_json(text: str) -> str | None:
    """The content of the first ```json fenced block, or None."""
    match = _FENCE.search(text)
    return match.group(1) if match else None


def heading_key(heading: str) -> str:
    """`User story (required)` -> `user story`: lower case, words only."""
    words = re.sub(r"\(.*?\)", " ", heading).lower()
    return " ".join(re.findall(r"[a-z0-9]+", words))


def sections(text: str) -> dict[str, str]:
    """`### Heading` sections of `text` by `heading_key`, their values stripped; a field
    left empty (`_No response_`) is an empty string."""
    found: dict[str, str] = {}
    matches = list(_HEADING.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = _unfenced(text[match.end() : end].strip())
        found[heading_key(match.group(1))] = "" if value == NO_RESPONSE else value
    return found


def _unfenced(value: str) -> str:
    """A field rendered as code (`render:` in the form) arrives in a fence; its content."""
    lines = value.splitlines()
    if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1]).strip()
    return value


def list_lines(value: str) -> list[str]:
    """One entry per non-empty line, list markers (`-`, `*`, `1.`, `- [ ]`) removed."""
    entries = []
    for line in value.splitlines():
        entry = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?", "", line).strip()
        if entry:
            entries.append(entry)
    return entries
