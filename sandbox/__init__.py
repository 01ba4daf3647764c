"""Where generated code runs: a Docker container (the default) or, when asked, the host.

`sandbox` depends on nothing else of ours. The seam is `Sandbox` in `base.py`.
"""

from sandbox.base import CommandResult, Sandbox, SandboxError, Services

__all__ = ["CommandResult", "Sandbox", "SandboxError", "Services"]
