"""Throughput of the generated service's create endpoint (`POST /memos`) against its
hand-written twin (one INSERT ... RETURNING): same machine, same run, same database.

    .venv/bin/python benchmarks/throughput_create.py [--seconds 10] [--rounds 3]
        [--concurrency 8] [--profile DIR]

The generated endpoint checks the bearer token, validates the body against the backlog's
schema (exact JSON types, lengths, no extra fields), sets the owner, runs the rule hook,
inserts and answers 201 with the row, metrics, correlation id and JSON access log. Each
request is a memo of its own title. Needs the machine's PostgreSQL and Redis.
"""

from __future__ import annotations

from throughput import Case, Seeded, run

from agent.verify.live.load import Target

BODY = [
    {"name": "title", "type": "string", "min_length": 1, "max_length": 80},
    {"name": "body", "type": "string", "min_length": 0, "max_length": 500},
]


def targets(seeded: Seeded) -> list[Target]:
    return [Target("POST /memos", "POST", "/memos", {"body": BODY}, {})]


if __name__ == "__main__":
    run(Case("throughput_create", "POST /memos", targets), __doc__)
