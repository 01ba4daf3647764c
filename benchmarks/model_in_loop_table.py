"""The before/after table of model-in-the-loop eval runs (see model_in_loop.sh).

Usage: python benchmarks/model_in_loop_table.py MEASURE_DIR
MEASURE_DIR holds one folder per run, named <label>-<task> (e.g. after-cart), each with the
eval's `out/results.json` and the bridge's `bridge/req-N.json` requests. Per run: hidden
functional tests passed, the agent's verdict, whether they agree (passed <=> every hidden
test passed), model turns, and prompt tokens per turn (characters of each request's
messages / 4, the bridge's own estimate; no tokenizer is run).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _prompt_tokens(bridge: Path) -> float | None:
    sizes = []
    for req in sorted(bridge.glob("req-*.json")):
        messages = json.loads(req.read_text()).get("messages", [])
        sizes.append(sum(len(json.dumps(m)) for m in messages) / 4)
    return round(sum(sizes) / len(sizes)) if sizes else None


def rows(measure: Path) -> list[dict[str, object]]:
    out = []
    for run in sorted(p for p in measure.iterdir() if (p / "out" / "results.json").exists()):
        records = json.loads((run / "out" / "results.json").read_text())["records"]
        if len(records) != 1:
            continue  # still running, or not one task-run
        [record] = records
        passed, total = record["functional_passed"], record["functional_total"]
        verdict = record["agent_verdict"]
        out.append(
            {
                "run": run.name,
                "task": record["task"],
                "hidden": f"{passed}/{total}",
                "verdict": verdict,
                "agrees": (verdict == "passed") == (passed == total and total > 0),
                "turns": record["model_calls"],
                "prompt tokens/turn": _prompt_tokens(run / "bridge"),
                "repairs": record["repair_iterations"],
            }
        )
    return out


def main() -> None:
    found = rows(Path(sys.argv[1]))
    keys = list(found[0]) if found else []
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in found:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
