"""What a model may call: list, read, search, write and edit files; run tests and lint; finish.

Depends on `sandbox` only. Every path is confined to the workspace.
"""
