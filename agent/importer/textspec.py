"""The Markdown text spec beside an OpenAPI document: user stories, rules, criteria.

Headings name sections: `User story`, `Business rules` (or `Rules`), `Validations`,
`Calculations`, `Acceptance criteria`, `Relationships`, `Indexes`, `Priority`. Any other
heading (below the title) opens the part of one item, named like its tag (`## Books`);
sections before any such heading, or at its level or above (`## Acceptance criteria`
after `## Books`), belong to the document as a whole. List entries are
bullets (`-`, `*`, `1.`) or paragraphs (lines separated by a blank line); the user story is
the section's text.

Text outside any such section (before the first heading, under the title, under an item's
heading before its first section) is prose: kept, one entry per paragraph or bullet, with
the line it starts on, so that nothing a spec says is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
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


@dataclass(frozen=True)
class Entry:
    """One bullet or paragraph, and the line of the text spec it starts on."""

    line: int
    text: str


@dataclass
class Part:
    """The sections of one item (or of the whole document), its prose, where it starts."""

    name: str | None
    line: int
    sections: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    prose: list[Entry] = field(default_factory=list)

    def entries(self, section: str) -> list[Entry]:
        """A section's entries with their lines."""
        return [
            Entry(n, t) for n, t in zip(self.lines[section], self.sections[section], strict=True)
        ]


def _section(title: str) -> str | None:
    return SECTIONS.get(re.sub(r"[^a-z ]", "", title.lower()).strip())


class _Reader:
    """Collects entries: a bullet starts one, a blank line ends one, other lines join the
    open one (a bullet's wrapped text, a paragraph's next line)."""

    def __init__(self) -> None:
        self.parts = [Part(None, 1)]
        self.level = 0  # of the current item's heading (0: no item heading yet)
        self.section: str | None = None
        self.open = False

    def heading(self, level: int, title: str, number: int) -> None:
        self.section = _section(title)
        if self.section is None and level > 1:
            self.parts.append(Part(title.strip(), number))
            self.level = level
        elif self.section is not None and self.level and level <= self.level:
            # `## Acceptance criteria` after `## Tokens`: a sibling, not a part of it
            self.parts.append(Part(None, number))
            self.level = 0
        self.open = False

    def line(self, text: str, number: int, fenced: bool = False) -> None:
        if not text.strip():
            self.open = self.open and fenced
            return
        bullet = None if fenced else BULLET.match(text)
        words = (bullet[1] if bullet else text).strip()
        part = self.parts[-1]
        if self.section is None:
            if self.open and not bullet:
                last = part.prose[-1]
                part.prose[-1] = Entry(last.line, f"{last.text} {words}")
            else:
                part.prose.append(Entry(number, words))
        else:
            entries = part.sections.setdefault(self.section, [])
            lines = part.lines.setdefault(self.section, [])
            if self.open and not bullet:
                entries[-1] = f"{entries[-1]} {words}"
            else:
                entries.append(words)
                lines.append(number)
        self.open = True


def parse_text_spec(text: str) -> list[Part]:
    """The parts of a text spec: the document-wide one first, then one per item heading.
    A fenced code block is prose like any paragraph, its lines kept as they are."""
    reader = _Reader()
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            reader.line(line, number, fenced=fenced)
            fenced = not fenced
            continue
        heading = None if fenced else HEADING.match(line)
        if heading:
            reader.heading(len(heading[1]), heading[2], number)
        else:
            reader.line(line, number, fenced=fenced)
    return [p for p in reader.parts if p.sections or p.prose or p.name is not None]
