"""What a model may call: list, read, search, write and edit files; run tests and lint; finish.

Depends on `sandbox` only. Every path is confined to the workspace.
"""

from tools.base import ToolDefinition, ToolError, ToolResult
from tools.finish import FinishArgs
from tools.toolbox import Toolbox
from tools.trim import trim
from tools.workspace import Workspace

__all__ = [
    "FinishArgs",
    "ToolDefinition",
    "ToolError",
    "ToolResult",
    "Toolbox",
    "Workspace",
    "trim",
]
