"""The OpenAPI importer: an OpenAPI 3.x document (plus an optional Markdown text spec) in,
a checked backlog out. `backend-agent import-openapi` is its command line."""

from agent.importer.build import import_document, import_files

__all__ = ["import_document", "import_files"]
