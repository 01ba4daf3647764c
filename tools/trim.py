"""Keeping tool results inside a character budget without losing the ends that matter.

Test and lint output put the cause near the top (collection errors) and the verdict at the
bottom (failures, summary), so trimming keeps a head and a longer tail around a marker.
"""

from __future__ import annotations

HEAD_SHARE = 0.4


def trim(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its head and tail around a marker."""
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    marker = f"\n… [{cut} characters cut] …\n"
    room = max(0, limit - len(marker))
    head = int(room * HEAD_SHARE)
    tail = room - head
    return text[:head] + marker + (text[-tail:] if tail else "")
