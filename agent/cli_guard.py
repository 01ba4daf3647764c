"""The CLI's last edge: an exception no command foresaw ends as one line and exit 70.

Every sub-command (those of plugins too) runs inside `GuardedGroup.invoke`. A
`BackendAgentError` that escaped its command still gets its own message and exit code; any
other exception is recorded by `agent.crash` (its traceback written to the run's folder, or
the crash folder) and reported in one line. `--debug` (or BACKEND_AGENT_DEBUG=1) prints the
traceback as well.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from agent import crash
from agent.errors import BackendAgentError

console = Console(stderr=True)


class GuardedGroup(TyperGroup):
    """A command group whose sub-commands never end in a traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # the CLI's own exits
            raise
        except BackendAgentError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            found = crash.record(exc)
            console.print(f"[red]{escape(found.line())}[/red]", highlight=False, soft_wrap=True)
            if ctx.meta.get("debug") or crash.debugging():
                console.print(escape(crash.traceback_text(exc)), highlight=False)
            raise typer.Exit(crash.EXIT_CRASH) from None
