"""search: find a substring or a regular expression across the workspace's text files."""

from __future__ import annotations

import fnmatch
import re

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolError
from tools.workspace import Workspace

LINE_PREVIEW = 200  # characters of a line shown around its match


def _window(line: str, found: re.Match[str]) -> str:
    """The line, or on a long one (a one-line JSON document) the part around the match,
    with where it is: `[cols 15980-16180 of 16400] …text…`."""
    text = line.strip()
    offset = len(line) - len(line.lstrip())
    if len(text) <= LINE_PREVIEW:
        return text
    middle = (found.start() + found.end()) // 2 - offset
    start = max(0, min(middle - LINE_PREVIEW // 2, len(text) - LINE_PREVIEW))
    end = start + LINE_PREVIEW
    before = "…" if start else ""
    after = "…" if end < len(text) else ""
    return f"[cols {start + 1}-{end} of {len(text)}] {before}{text[start:end]}{after}"


class SearchArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(min_length=1, description="Text to find (a regex if regex is true).")
    regex: bool = Field(False, description="Treat pattern as a Python regular expression.")
    path: str = Field(".", description="Folder or file to search, relative to the root.")
    glob: str | None = Field(None, description="Only files whose name matches, e.g. '*.py'.")
    ignore_case: bool = False
    max_results: int = Field(100, ge=1, le=500)


def _matcher(args: SearchArgs) -> re.Pattern[str]:
    flags = re.IGNORECASE if args.ignore_case else 0
    source = args.pattern if args.regex else re.escape(args.pattern)
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise ToolError(f"invalid regular expression {args.pattern!r}: {exc}") from exc


def search(ws: Workspace, args: SearchArgs) -> str:
    """`path:line: text` for each matching line, up to `max_results`."""
    start = ws.resolve(args.path)
    if not start.exists():
        raise ToolError(f"{args.path!r} does not exist")
    matcher = _matcher(args)
    hits: list[str] = []
    for file in ws.files(start):
        if args.glob and not fnmatch.fnmatch(file.name, args.glob):
            continue
        data = file.read_bytes()
        if b"\x00" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            found = matcher.search(line)
            if found:
                hits.append(f"{ws.relative(file)}:{number}: {_window(line, found)}")
                if len(hits) >= args.max_results:
                    return "\n".join(hits) + f"\n… stopped at {args.max_results} matches"
    return "\n".join(hits) if hits else f"no matches for {args.pattern!r} in {args.path}"
