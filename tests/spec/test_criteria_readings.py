"""Criteria read as the backlog means them (found by a model playing the agent's model on
the gym task): a full lesson is a rule, not the duplicate index; "a capacity of 0" breaks
the minimum; booking into a lesson that does not exist is a 404 the scaffold shows."""

from __future__ import annotations

from pathlib import Path

from agent.backlog.loader import load_backlog
from agent.spec.compiler import compile_backlog
from agent.spec.types import CriterionTest

GYM = Path(__file__).parents[2] / "evals/suites/builtin/gym-lesson-capacity/backlog.json"


def _tests() -> dict[int, CriterionTest]:
    return {t.index + 1: t for t in compile_backlog(load_backlog(GYM)).criteria_tests}


def test_a_full_lesson_is_a_rule_for_a_model_not_the_duplicate_test() -> None:
    """ "A lesson that is full refuses another booking with 409" is not the conflict
    scenario (which the unique (lesson, member) index would pass without any capacity)."""
    spec = compile_backlog(load_backlog(GYM))
    assert 3 not in _tests()
    assert any(g.kind == "criterion" and "full" in g.text for g in spec.gaps)
    assert _tests()[2].scenario == "conflict"  # "already booked ... 409": the index


def test_a_named_value_below_the_minimum_breaks_the_minimum() -> None:
    """ "A capacity of 0 is rejected with 422" (capacity 1-200) breaks `min`, sent as 0."""
    found = _tests()[5]
    assert (found.scenario, found.field, found.breaks) == ("invalid", "capacity", "min")


def test_a_create_under_a_missing_parent_is_a_404_test() -> None:
    """ "Booking a lesson that does not exist returns 404": a booking under an unknown lesson."""
    found = _tests()[4]
    assert (found.scenario, found.handler) == ("parent_not_found", "create_lesson_booking")


def test_adding_under_a_missing_parent_is_not_reading_the_parent() -> None:
    """ "Adding a line to an invoice that does not exist returns 404" posts a line under an
    unknown invoice; it is not a GET of the invoice (a model in the loop found the
    generated test aimed there)."""
    invoice = Path(__file__).parents[2] / "evals/suites/builtin/invoice-totals/backlog.json"
    tests = {t.index + 1: t for t in compile_backlog(load_backlog(invoice)).criteria_tests}
    assert (tests[5].scenario, tests[5].handler) == ("parent_not_found", "create_invoice_line")
