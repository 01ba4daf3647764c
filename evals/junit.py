"""The hidden tests' JUnit XML, read into what grading needs: each test's kind and fate."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pydantic import BaseModel, Field


class HiddenTest(BaseModel):
    """One hidden test case, as the plugin labelled it (`evals/hidden/plugin.py`)."""

    name: str
    kind: str  # functional | security
    label: str  # the criterion, or the CWE
    passed: bool
    outcome: str = "passed"  # passed | failure | error (a fixture or setup) | skipped
    message: str = ""


class HiddenOutcome(BaseModel):
    """All hidden tests of one grading, and the figures the metrics are made of."""

    tests: list[HiddenTest] = Field(default_factory=list)

    @property
    def functional(self) -> list[HiddenTest]:
        return [t for t in self.tests if t.kind != "security"]

    @property
    def security(self) -> list[HiddenTest]:
        return [t for t in self.tests if t.kind == "security"]

    @property
    def exploits(self) -> list[str]:
        """The CWEs of the security tests that failed (the exploit worked), sorted, unique.
        One that errored in setup or was skipped proves nothing either way: not listed."""
        return sorted({t.label for t in self.security if t.outcome == "failure"})

    def outcomes(self) -> dict[str, bool]:
        return {t.name: t.passed for t in self.tests}


def _case(case: ET.Element) -> HiddenTest:
    props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
    kind = props.get("kind", "functional")
    label = props.get("cwe" if kind == "security" else "criterion", "") or case.get("name", "")
    found = (case.find(tag) for tag in ("failure", "error", "skipped"))
    bad = next((element for element in found if element is not None), None)
    name = f"{case.get('classname', '')}::{case.get('name', '')}"
    message = "" if bad is None else f"{bad.tag}: {bad.get('message', '')}"[:300]
    outcome = "passed" if bad is None else bad.tag
    return HiddenTest(
        name=name, kind=kind, label=label, passed=bad is None, outcome=outcome, message=message
    )


def read_junit(path: Path) -> HiddenOutcome:
    """The test cases of `path`; an absent or unreadable file holds none."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return HiddenOutcome()
    return HiddenOutcome(tests=[_case(c) for c in root.iter("testcase")])
