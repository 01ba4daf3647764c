"""The backlog: the Input Schema as pydantic models, and the loader that refuses bad files."""

from agent.backlog.loader import load_backlog
from agent.backlog.schema import (
    ApiRequirement,
    Backlog,
    BacklogItem,
    BusinessLogic,
    DataRequirements,
    EntitySpec,
)

__all__ = [
    "ApiRequirement",
    "Backlog",
    "BacklogItem",
    "BusinessLogic",
    "DataRequirements",
    "EntitySpec",
    "load_backlog",
]
