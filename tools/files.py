"""list_files, read_file and write_file: the model's view of the workspace, and its pen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolError
from tools.workspace import Workspace

READ_WINDOW = 400
LIST_LIMIT = 1000


class ListFilesArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(".", description="Folder to list, relative to the workspace root.")


class ReadFileArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="File to read, relative to the workspace root.")
    start_line: int | None = Field(None, ge=1, description="First line to show (1-based).")
    end_line: int | None = Field(None, ge=1, description="Last line to show (inclusive).")


class WriteFileArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="File to create or replace, relative to the workspace root.")
    content: str = Field(description="The whole new content of the file.")


def list_files(ws: Workspace, args: ListFilesArgs) -> str:
    """Every file under a folder, one relative path a line."""
    start = ws.resolve(args.path)
    if not start.exists():
        raise ToolError(f"{args.path!r} does not exist")
    paths = [ws.relative(p) for p in ws.files(start)]
    if not paths:
        return f"{args.path}: no files"
    shown = paths[:LIST_LIMIT]
    more = f"\n… and {len(paths) - LIST_LIMIT} more" if len(paths) > LIST_LIMIT else ""
    return "\n".join(shown) + more


def read_text(ws: Workspace, path: str) -> str:
    """A workspace file's text; ToolError when it is missing, a folder, or binary."""
    target = ws.resolve(path)
    if not target.is_file():
        kind = "a folder" if target.is_dir() else "missing"
        raise ToolError(f"{path!r} is {kind}; list_files shows what exists")
    data = target.read_bytes()
    if b"\x00" in data[:8192]:
        raise ToolError(f"{path!r} is a binary file")
    return data.decode("utf-8", errors="replace")


def numbered(lines: list[str], first: int) -> str:
    """Lines prefixed with their 1-based numbers (the numbers are not part of the file)."""
    return "\n".join(f"{n:>5}\t{line}" for n, line in enumerate(lines, start=first))


def read_file(ws: Workspace, args: ReadFileArgs) -> str:
    """A file's lines, numbered; at most READ_WINDOW lines unless a range is asked for."""
    lines = read_text(ws, args.path).splitlines()
    if not lines:
        return f"{args.path}: empty file"
    start = args.start_line or 1
    if start > len(lines):
        raise ToolError(f"{args.path!r} has {len(lines)} lines; start_line {start} is past the end")
    end = min(args.end_line or start + READ_WINDOW - 1, len(lines))
    if end < start:
        raise ToolError(f"end_line {end} is before start_line {start}")
    header = f"{args.path} lines {start}-{end} of {len(lines)} (line numbers are not in the file)"
    more = (
        f"\n… {len(lines) - end} more lines: read with start_line={end + 1}"
        if end < len(lines)
        else ""
    )
    return f"{header}\n{numbered(lines[start - 1 : end], start)}{more}"


def write_file(ws: Workspace, args: WriteFileArgs) -> str:
    """Create or replace a file with `content`, making its folders."""
    target = ws.resolve(args.path, write=True)
    if target.is_dir():
        raise ToolError(f"{args.path!r} is a folder")
    existed = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(args.content)
    lines = len(args.content.splitlines())
    return f"wrote {ws.relative(target)} ({lines} lines, {'replaced' if existed else 'created'})"
