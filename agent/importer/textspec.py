"""The Markdown text spec beside an OpenAPI document: user stories, rules, criteria.

Headings name sections: `User story`, `Business rules` (or `Rules`), `Validations`,
`Calculations`, `Acceptance criteria`, `Relationships`, `Indexes`, `Priority`. Any other
heading (below the title) opens the part of one item, named like its tag (`## Books`);
sections before any such heading belong to the document as a whole. List entries are
bullets (`-`, `*`, `1.`); the user story is the section's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
SECTIONS = {
    "user story": "user_story",
    "story": "user_story",
    "business rules": "rules",
    "rules": "rules",
    "validations": "validations",
    "validation rules": "validations",
    "calculations": "calculations",
    "acceptance criteria": "acceptance_criteria",
    "criteria": "acceptance_criteria",
    "relationships": "relationships",
    "indexes": "indexes",
    "indices": "indexes",
    "priority": "priority",
}


@dataclass
class Part:
    """The sections of one item (or of the whole document), and where it starts."""

    name: str | None
    line: int
    sections: dict[str, list[str]] = field(default_factory=dict)


def _section(title: str) -> str | None:
    return SECTIONS.get(re.sub(r"[^a-z ]", "", title.lower()).strip())


def _add_line(part: Part, section: str, text: str) -> None:
    entries = part.sections.setdefault(section, [])
    bullet = BULLET.match(text)
    if bullet:
        entries.append(bullet[1].strip())
    elif text.strip() and entries and section != "user_story":
        entries[-1] = f"{entries[-1]} {text.strip()}"
    elif text.strip():
        entries.append(text.strip())


def parse_text_spec(text: str) -> list[Part]:
    """The parts of a text spec: the document-wide one first, then one per item heading."""
    parts = [Part(None, 1)]
    section: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = HEADING.match(line)
        if heading:
            section = _section(heading[2])
            if section is None and len(heading[1]) > 1:
                parts.append(Part(heading[2].strip(), number))
            continue
        if section is not None:
            _add_line(parts[-1], section, line)
    return [p for p in parts if p.sections or p.name is not None]
