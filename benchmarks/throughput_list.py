"""Throughput of the generated service's list endpoint (`GET /memos`, the first page of 20 of
the caller's memos, with the total) against its hand-written twin (one SELECT with a window
count): same machine, same run, same rows.

    .venv/bin/python benchmarks/throughput_list.py [--seconds 10] [--rounds 3]
        [--concurrency 8] [--rows 50] [--profile DIR]

The generated endpoint checks the bearer token, lists the caller's own memos that are not
soft-deleted, newest first, validates `limit`/`offset`, and answers the page with its total,
metrics, correlation id and JSON access log. Needs the machine's PostgreSQL and Redis.
"""

from __future__ import annotations

from throughput import Case, Seeded, run

from agent.verify.live.load import Target


def targets(seeded: Seeded) -> list[Target]:
    return [Target("GET /memos", "GET", "/memos", {}, {})]


if __name__ == "__main__":
    run(Case("throughput_list", "GET /memos", targets), __doc__)
