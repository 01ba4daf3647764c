"""The runs store: every run's start, end, items, verify iterations, usage and outcome, in
PostgreSQL for workers and SQLite (the repo's `.backend-agent/runs.sqlite`) for the CLI."""
