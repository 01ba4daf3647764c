"""The `offline` model: no model at all. The spec compiler is the whole implementation."""

from __future__ import annotations

from collections.abc import Sequence

from agent.errors import ModelError
from agent.models.base import Message, Reply, ToolSpec


class OfflineModel:
    """Stands in where no model is configured; asking it anything is a bug of ours."""

    name = "offline"
    offline = True

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        raise ModelError("the offline model cannot answer; nodes must not call it")
