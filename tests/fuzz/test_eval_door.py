"""The eval-suite door: a suite whose task folder was edited at random (task.toml values,
raw TOML text, the backlog, a missing hidden/ or starter/) loads, or `load_suite` (what
`eval run` and `eval validate` read first) refuses it with a TaskError naming a file inside
the suite. Never another exception."""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from evals.tasks import TaskError, load_suite
from tests.fuzz.backlogs import edited, json_value

BUILTIN = Path(__file__).parents[2] / "evals" / "suites" / "builtin"
TASK = BUILTIN / "cart-actions"
CONFIG = tomllib.loads((TASK / "task.toml").read_text())
BACKLOG = json.loads((TASK / "backlog.json").read_text())


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()
                               if v is not None) + "}"  # fmt: skip
    return json.dumps(str(value))


def toml(config: dict[str, Any]) -> str:
    return "".join(
        f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in config.items() if v is not None
    )


folder_edit = st.fixed_dictionaries(
    {
        "toml": st.one_of(edited([CONFIG]).map(toml), st.text(max_size=60), st.just(toml(CONFIG))),
        "backlog": st.one_of(
            edited([BACKLOG]).map(json.dumps), json_value.map(json.dumps), st.text(max_size=40)
        ),
        "drop": st.lists(st.sampled_from(["hidden", "backlog.json", "suite.toml"]), max_size=1),
    }
)


@given(folder_edit)
def test_an_edited_task_folder_loads_or_is_refused_naming_a_file(edit: dict[str, Any]) -> None:
    """load_suite: the tasks, or a TaskError whose every line starts with a path in the suite."""
    with tempfile.TemporaryDirectory() as temp:
        suite = Path(temp) / "suite"
        suite.mkdir()
        shutil.copy(BUILTIN / "suite.toml", suite / "suite.toml")
        task = suite / "cart-actions"
        shutil.copytree(TASK, task, ignore=shutil.ignore_patterns("reference"))
        (task / "task.toml").write_text(edit["toml"])
        (task / "backlog.json").write_text(edit["backlog"])
        for name in edit["drop"]:
            gone = suite / name if name == "suite.toml" else task / name
            shutil.rmtree(gone) if gone.is_dir() else gone.unlink()
        try:
            tasks = load_suite(suite)
        except TaskError as exc:
            event("refused")
            for line in str(exc).splitlines():
                assert line.startswith(str(suite)), f"a problem naming no file: {line!r}"
            return
        event("loaded")
        assert [t.id for t in tasks]
