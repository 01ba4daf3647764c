"""Seeding that respects the service's rules: distinct valid values per row, a fresh
parent when the shared one is refused, and "not exercised" (never a failure) for what a
rule still refuses. Against a fake service over httpx.MockTransport (`tests.fakes`)."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from agent.backlog import load_backlog
from agent.spec.compiler import compile_backlog
from agent.verify.live import values
from agent.verify.live.world import ATTEMPTS, World, seed
from tests.fakes.probed_service import ProbedService

DATA = Path(__file__).parents[1] / "data"
GYM = Path(__file__).parents[2] / "evals/suites/builtin/gym-lesson-capacity/backlog.json"
SECRET = "s" * 40


def spec_of(path: Path) -> dict[str, Any]:
    return compile_backlog(load_backlog(path)).model_dump(mode="json")


def op_body(spec: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return next(o["body"] for o in spec["operations"] if f"{o['method']} {o['path']}" == where)


def seeded(service: ProbedService) -> World:
    return seed(World(service.client(), service.spec, SECRET))


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_rows_get_distinct_times_an_end_after_the_start_and_no_overlap() -> None:
    """Each body is a row of its own: starts_at/ends_at ordered, intervals apart."""
    fields = op_body(spec_of(DATA / "library.json"), "POST /rooms/{room_id}/appointments")
    bodies = [values.body(fields, {}) for _ in range(50)]
    spans = sorted((_when(b["starts_at"]), _when(b["ends_at"])) for b in bodies)
    assert all(start < end for start, end in spans)
    assert all(end <= later for (_, end), (later, _) in itertools.pairwise(spans))


def test_date_pairs_and_birth_dates() -> None:
    """check_in/check_out and start_date/end_date: the end after the start, rows apart; a
    birth date lies in the past."""
    fields = [
        {"name": n, "type": "date"} for n in ("check_in", "check_out", "start_date", "end_date")
    ]
    fields.append({"name": "birth_date", "type": "date"})
    rows = [values.body(fields, {}) for _ in range(20)]
    stays = sorted(
        (date.fromisoformat(r["check_in"]), date.fromisoformat(r["check_out"])) for r in rows
    )
    assert all(a < b for a, b in stays)
    assert all(out < nxt for (_, out), (nxt, _) in itertools.pairwise(stays))
    assert all(r["start_date"] < r["end_date"] for r in rows)
    assert all(date.fromisoformat(r["birth_date"]) < date.today() for r in rows)


def test_pattern_values_are_distinct_matching_and_quick() -> None:
    """A unique ISBN (`^[0-9]{13}$`) for every one of 500 books, without hypothesis' wait."""
    fields = op_body(spec_of(DATA / "library.json"), "POST /books")
    started = datetime.now()
    isbns = [values.body(fields, {})["isbn"] for _ in range(500)]
    assert (datetime.now() - started).total_seconds() < 5
    assert len(set(isbns)) == 500
    assert all(re.fullmatch(r"[0-9]{13}", i) for i in isbns)


def test_numbers_are_roomy_generous_on_a_parent_small_on_a_child() -> None:
    """A lesson's capacity is generous (its maximum, 200), a booking's seats small, other
    numbers in the middle of their bounds; a refusal's next attempt tries other ones."""
    capacity = {"name": "capacity", "type": "integer", "minimum": 1, "maximum": 200}
    seats = {"name": "seats", "type": "integer", "minimum": 1, "maximum": 8}
    price = {"name": "price", "type": "number", "minimum": 0, "maximum": 100}
    assert values.body([capacity], {}, "parent")["capacity"] == 200
    assert values.body([seats], {}, "child")["seats"] == 1
    assert values.body([price], {}, "child")["price"] == 50.0
    assert values.body([capacity], {}, "parent", attempt=1)["capacity"] == 1
    unbounded = {"name": "stock", "type": "integer", "minimum": 0}
    assert values.body([unbounded], {}, "parent")["stock"] == values.GENEROUS


def _full_lesson(svc: ProbedService, params: dict[str, str], body: dict[str, Any]) -> int | None:
    lesson = svc.rows["Lesson"][params["lesson_id"]]["body"]
    return 409 if svc.count("Booking", **params) >= lesson["capacity"] else None


def test_a_capacity_rule_does_not_refuse_the_seeding() -> None:
    """Lessons get room for their bookings: every row seeded, nothing refused."""
    service = ProbedService(
        spec_of(GYM), rules={"POST /lessons/{lesson_id}/bookings": _full_lesson}
    )
    world = seeded(service)
    assert len(world.rows["Booking"]) == 3
    assert world.problems == [] and world.not_exercised == []


def _on_loan(svc: ProbedService, params: dict[str, str], body: dict[str, Any]) -> int | None:
    return 409 if svc.count("Loan", **params) else None


def test_one_copy_per_book_gives_each_loan_a_fresh_book() -> None:
    """A book on loan refuses a second loan: the seeding makes a fresh book for it."""
    service = ProbedService(
        spec_of(DATA / "library.json"), rules={"POST /books/{book_id}/loans": _on_loan}
    )
    world = seeded(service)
    loans = world.rows["Loan"]
    assert len(loans) == 3 and len({r.params["book_id"] for r in loans}) == 3
    assert world.problems == [] and world.not_exercised == []


def _clash(svc: ProbedService, params: dict[str, str], body: dict[str, Any]) -> int | None:
    start, end = _when(body["starts_at"]), _when(body["ends_at"])
    if end <= start:
        return 422
    taken = svc.bodies("Appointment", **params)
    overlap = any(_when(b["starts_at"]) < end and _when(b["ends_at"]) > start for b in taken)
    return 409 if overlap else None


def test_appointments_that_must_not_overlap_are_seeded() -> None:
    """Non-overlapping intervals, the end after the start: the overlap rule accepts all."""
    service = ProbedService(
        spec_of(DATA / "library.json"), rules={"POST /rooms/{room_id}/appointments": _clash}
    )
    world = seeded(service)
    assert len(world.rows["Appointment"]) == 3
    assert world.not_exercised == []


def test_a_create_refused_whatever_is_sent_is_not_exercised() -> None:
    """A rule that refuses every room: a bounded number of tries, then "not exercised" with
    the refused request and answer; its children are not exercised either; no problem."""
    service = ProbedService(
        spec_of(DATA / "library.json"), rules={"POST /rooms": lambda svc, params, body: 409}
    )
    world = seeded(service)
    assert world.problems == []
    assert "Room" not in world.rows and "Appointment" not in world.rows
    [entry] = [n for n in world.not_exercised if n["where"] == "POST /rooms"]
    assert entry["check"] == "seed" and "refused all 4 valid bodies" in entry["reason"]
    assert entry["exchange"]["status"] == 409 and entry["exchange"]["path"] == "/rooms"
    assert entry["exchange"]["body"]["name"].startswith("name-")
    assert sum(r[:2] == ("POST", "/rooms") for r in service.requests) == ATTEMPTS
    assert world.missing("Appointment").startswith("its Room is missing: seeding it was refused")
    assert "Book" in world.rows  # the other entities are seeded as usual


def test_a_server_error_while_seeding_is_a_problem_with_its_exchange() -> None:
    """A 5xx on a valid body is not a rule's refusal: it stays a problem, with evidence."""
    service = ProbedService(
        spec_of(DATA / "library.json"), rules={"POST /books": lambda svc, params, body: 500}
    )
    world = seeded(service)
    problem = world.problems[0]
    assert problem["where"] == "POST /books" and problem["message"] == "seeding got 500"
    assert problem["exchange"]["status"] == 500 and "isbn" in problem["exchange"]["body"]
    assert problem["expected"].startswith("2xx for a valid body")


def test_a_users_own_collection_is_seeded_under_the_user() -> None:
    """`/users/{user_id}/posts`: the parent row is the registered user itself, so posts are
    seeded under the caller and the probes have a path to address (not "no User row")."""
    world = seeded(ProbedService(spec_of(DATA / "shapes.json")))
    owner = world.users[0]
    assert [r.params["user_id"] for r in world.rows["Post"]] == [owner.id] * 3
    assert world.not_exercised == []
