"""Probes that run INSIDE the sandbox against the generated service, running.

The gates copy this package into the workspace's `.verify/live/` and run
`python -m live.main MODE` there; it imports only the stdlib, httpx, asyncpg and alembic
(the service runtime's), never the agent. Each mode prints one `LIVE-RESULT {json}` line.
"""
