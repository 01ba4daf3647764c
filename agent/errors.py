"""Errors an operator must fix. What a model can fix never raises: it becomes its next message.

BackendAgentError            caught only at the edge (CLI, worker, eval runner)
├── BacklogError             the backlog file is unreadable or does not fit the schema (exit 2)
├── ConfigError              a setting is missing or wrong (a key, a flag, a path)
├── ModelError               a provider gave up after its retries; the run stays resumable
│   └── BudgetExceeded       the next call would cross a token or cost budget
├── SandboxUnavailable       no engine / no runtime to run generated code in
├── DeliveryError            git or the forge refused (moved branch, bad token)
└── RunNotFound              `resume RUN_ID` names no checkpointed run
"""

from __future__ import annotations


class BackendAgentError(Exception):
    """Base of every error the edge turns into a message and an exit code."""

    exit_code = 1


class BacklogError(BackendAgentError):
    """The backlog cannot be used. `problems` holds one `path: message` line per error."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ConfigError(BackendAgentError):
    """A setting is missing or wrong."""

    exit_code = 2


class ModelError(BackendAgentError):
    """A model provider failed for good (after retries)."""


class BudgetExceeded(ModelError):
    """A token, cost or time budget stops the next model call."""


class SandboxUnavailable(BackendAgentError):
    """Generated code has nowhere safe to run."""

    exit_code = 3


class DeliveryError(BackendAgentError):
    """Git or the forge refused to take the change."""


class RunNotFound(BackendAgentError):
    """No checkpointed run has this id."""

    exit_code = 2
