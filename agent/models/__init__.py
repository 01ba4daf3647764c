"""Chat models with tool calls: one small interface, providers behind it."""

from agent.models.base import (
    ChatModel,
    Message,
    Reply,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = ["ChatModel", "Message", "Reply", "ToolCall", "ToolSpec", "Usage"]
