"""finish: the model says it is done, and which rules it claims implemented or not.

The claim is recorded, not believed: the report counts a criterion met only when a test
mapped to it passed in the sandbox.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FinishArgs(BaseModel):
    """The model's closing summary."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(
        min_length=1,
        description="What was done, in a few sentences; caveats and notes go here.",
    )
    implemented: list[str] = Field(
        default_factory=list, description="Rules / acceptance criteria implemented (id or text)."
    )
    not_implemented: list[str] = Field(
        default_factory=list,
        description="Only rules or criteria of the item (their text as given) that the "
        "service does not do. Each one keeps the item incomplete and comes back in a repair "
        "round; a caveat about something done belongs in the summary.",
    )


def finish_message(args: FinishArgs) -> str:
    """The acknowledgement the model reads back."""
    return (
        f"finish recorded: {len(args.implemented)} implemented, "
        f"{len(args.not_implemented)} not implemented"
    )
