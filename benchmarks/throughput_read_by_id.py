"""Throughput of the generated service's read-by-id endpoint (`GET /memos/{memo_id}`) against
its hand-written twin (one SELECT by primary key): same machine, same run, same rows.

    .venv/bin/python benchmarks/throughput_read_by_id.py [--seconds 10] [--rounds 3]
        [--concurrency 8] [--rows 50] [--profile DIR]

The generated endpoint does what the backlog asks (bearer token checked, the caller's own
memo only, soft-deleted rows hidden, response model, metrics, correlation id and JSON access
log); the twin is a single SELECT by id. Needs the machine's PostgreSQL and Redis. See
`benchmarks/throughput.py` for the harness and `benchmarks/README.md` for the last figures.
"""

from __future__ import annotations

from throughput import Case, Seeded, run

from agent.verify.live.load import Target


def targets(seeded: Seeded) -> list[Target]:
    return [Target("GET /memos/{memo_id}", "GET", f"/memos/{i}", {}, {}) for i in seeded.ids]


if __name__ == "__main__":
    run(Case("throughput_read_by_id", "GET /memos/{memo_id}", targets), __doc__)
