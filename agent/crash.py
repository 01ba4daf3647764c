"""What an unexpected exception leaves behind: one line for a person, the traceback in a file.

An error we foresaw is a `BackendAgentError` with its own message and exit code. Anything
else is a bug (ours, or a library's); at the edge (the CLI, a worker, the webhook) it ends
with one line naming what was running (the run or the job), where it can resume from, and
where its full traceback was written: the run's folder when a run was going, else
`$XDG_STATE_HOME/backend-agent/crashes`. The traceback goes to the terminal only with
`--debug` (or BACKEND_AGENT_DEBUG=1). Secret-looking settings from the environment and the
user:password part of URLs are blanked in the file, as in every log.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent.delivery.redact import redact

EXIT_CRASH = 70  # EX_SOFTWARE (sysexits.h): an internal error
SECRET_NAMES = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PRIVATE")


@dataclass(frozen=True)
class Crash:
    """Where an unexpected exception happened and what was written about it."""

    error: str  # `ValueError: unknown type 'text/html'`
    traceback_file: Path | None  # None: the file could not be written either
    run_id: str | None = None
    resume: str | None = None  # how to continue: the command and the checkpoint it starts at

    def line(self) -> str:
        where = f"run {self.run_id} " if self.run_id else ""
        parts = [f"internal error: {where}stopped on {self.error}"]
        if self.resume:
            parts.append(self.resume)
        if self.traceback_file is not None:
            parts.append(f"traceback: {self.traceback_file}")
        else:
            parts.append("the traceback could not be written (run with --debug to see it)")
        return "; ".join(parts)


def crash_dir() -> Path:
    """Where a crash outside any run writes its traceback."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "backend-agent" / "crashes"


def debugging() -> bool:
    return os.environ.get("BACKEND_AGENT_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def _secrets() -> list[str]:
    return [
        value
        for name, value in os.environ.items()
        if any(word in name.upper() for word in SECRET_NAMES) and len(value) >= 6
    ]


def error_of(exc: BaseException) -> str:
    """The exception's one-line form (its notes left out), secrets blanked, long text cut."""
    message = str(exc).strip().splitlines()
    first = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    first = redact(first, _secrets())
    return first if len(first) <= 300 else first[:297] + "..."


def traceback_text(exc: BaseException) -> str:
    """The whole traceback, secrets blanked."""
    return redact("".join(traceback.format_exception(exc)), _secrets())


def record(
    exc: BaseException,
    folder: Path | None = None,
    *,
    run_id: str | None = None,
    resume: str | None = None,
) -> Crash:
    """Write `exc`'s traceback under `folder` (default `crash_dir()`) and attach the `Crash`
    to the exception, so an outer edge reports the same file instead of writing another."""
    found = recorded(exc)
    if found is not None:
        return found
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target: Path | None = (folder or crash_dir()) / f"crash-{stamp}.txt"
    text = traceback_text(exc)
    try:
        assert target is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError:
        target = None
    crash = Crash(error_of(exc), target, run_id=run_id, resume=resume)
    with contextlib.suppress(AttributeError, TypeError):  # a type without a __dict__
        exc.__dict__["_backend_agent_crash"] = crash
    return crash


def recorded(exc: BaseException) -> Crash | None:
    """The `Crash` an inner edge already recorded for `exc`, if any."""
    found = getattr(exc, "__dict__", {}).get("_backend_agent_crash")
    return found if isinstance(found, Crash) else None


def unexpected(exc: BaseException) -> bool:
    """Whether `exc` is a bug rather than an error we foresaw (or a request to stop)."""
    from agent.errors import BackendAgentError

    return isinstance(exc, Exception) and not isinstance(exc, BackendAgentError)
