"""show_evidence: the last verify's failures, one at a time and in full.

The repair prompt lists each failure trimmed; this shows one whole (its gate, where, the
expectation and its source in the backlog, the request and the response, the detail), so
a model need not dig through the verify's working files. The agent renders the failures;
this module only pages through them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolError


class ShowEvidenceArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(1, ge=1, description="Which failure, 1 for the first.")


def show_evidence(failures: Sequence[str] | None, args: ShowEvidenceArgs) -> str:
    """Failure `number` of the last verify, whole (`failures`: None before any verify)."""
    if failures is None:
        raise ToolError("no verify has run on this item yet: there is no evidence to show")
    if not failures:
        return "the last verify had no failure"
    if args.number > len(failures):
        raise ToolError(f"there are {len(failures)} failure(s); ask for 1 to {len(failures)}")
    return f"failure {args.number} of {len(failures)}\n{failures[args.number - 1]}"
