"""edit_file: exact search-and-replace, refusing a missing or ambiguous match usefully.

A refusal tells the model what to do next: how many places matched (and their lines), or
which lines of the file come nearest to what it was looking for.
"""

from __future__ import annotations

import difflib

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolError
from tools.files import numbered, read_text
from tools.workspace import Workspace

NEAREST = 3
CONTEXT = 3


class EditFileArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="File to edit, relative to the workspace root.")
    old_text: str = Field(description="Exact text to replace, whitespace included.")
    new_text: str = Field(description="Text to put in its place.")
    replace_all: bool = Field(False, description="Replace every occurrence, not just one.")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _occurrences(text: str, old: str) -> list[int]:
    found, start = [], text.find(old)
    while start != -1:
        found.append(_line_of(text, start))
        start = text.find(old, start + len(old))
    return found


def nearest_lines(text: str, wanted: str) -> str:
    """The file's lines most like the first non-blank line of `wanted`, with numbers."""
    probe = next((line.strip() for line in wanted.splitlines() if line.strip()), "")
    scored = []
    for number, line in enumerate(text.splitlines(), start=1):
        matcher = difflib.SequenceMatcher(None, probe, line.strip())
        if matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5:
            scored.append((matcher.ratio(), number, line))
    best = sorted((s for s in scored if s[0] >= 0.5), key=lambda s: (-s[0], s[1]))[:NEAREST]
    if not best:
        return "no line of the file resembles it; read_file to see the current text"
    return "nearest lines:\n" + "\n".join(f"{n:>5}\t{line}" for _, n, line in best)


def _refusal(path: str, text: str, old: str, lines: list[int]) -> ToolError:
    if not lines:
        return ToolError(f"old_text was not found in {path}. {nearest_lines(text, old)}")
    listed = ", ".join(str(n) for n in lines[:10])
    return ToolError(
        f"old_text matches {len(lines)} places in {path} (lines {listed}); include more "
        "surrounding lines to make it unique, or set replace_all"
    )


def edit_file(ws: Workspace, args: EditFileArgs) -> str:
    """Replace `old_text` by `new_text` once (or everywhere with replace_all)."""
    if not args.old_text:
        raise ToolError("old_text is empty; to create or overwrite a file use write_file")
    if args.old_text == args.new_text:
        raise ToolError("old_text and new_text are the same; nothing would change")
    target = ws.resolve(args.path, write=True)
    text = read_text(ws, args.path)
    lines = _occurrences(text, args.old_text)
    if not lines or (len(lines) > 1 and not args.replace_all):
        raise _refusal(args.path, text, args.old_text, lines)
    count = len(lines) if args.replace_all else 1
    updated = text.replace(args.old_text, args.new_text, count)
    target.write_text(updated)
    first = lines[0]
    shown = updated.splitlines()
    start = max(1, first - CONTEXT)
    end = min(len(shown), first + len(args.new_text.splitlines()) + CONTEXT)
    return (
        f"edited {args.path}: replaced {count} occurrence(s), first at line {first}\n"
        f"{numbered(shown[start - 1 : end], start)}"
    )
