"""Business rules written into generated services, as a model would write them: the ones
that refuse duplicates, overlaps and a full parent with 409, which the live gates' seeding
must live with (tests/data/library.json; the gym eval task's reference rule)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.verify.service import plant

ROOT = Path(__file__).parents[2]
GYM = ROOT / "evals/suites/builtin/gym-lesson-capacity"
SESSION = "from sqlalchemy.ext.asyncio import AsyncSession\n"
SELECT = "from sqlalchemy import func, select\n" + SESSION

ONE_COPY = '''    """A book has one copy: a second loan while it is out is refused with 409."""
    out = select(func.count()).where(Loan.book_id == values["book_id"], Loan.deleted_at.is_(None))
    if (await session.execute(out)).scalar_one():
        raise RuleViolation("the book is on loan", status=409)
    return values
'''
NO_OVERLAP = '''    """It ends after it starts (422) and overlaps none in its room (409)."""
    if values["ends_at"] <= values["starts_at"]:
        raise RuleViolation("an appointment ends after it starts")
    clash = select(func.count()).where(
        Appointment.room_id == values["room_id"],
        Appointment.deleted_at.is_(None),
        Appointment.starts_at < values["ends_at"],
        Appointment.ends_at > values["starts_at"],
    )
    if (await session.execute(clash)).scalar_one():
        raise RuleViolation("the room is taken then", status=409)
    return values
'''
NO_ROOMS = '''    """No room may be added (a rule that refuses every create)."""
    raise RuleViolation("the library has no more rooms", status=409)
'''


def _hook(repo: Path, entity: str, module: str, body: str) -> None:
    rel = f"backend/domain/rules/{module}.py"
    plant(repo, rel, SESSION, SELECT)
    plant(
        repo,
        rel,
        f'    """Check or complete the values of a new {entity}; return them."""\n'
        "    return values\n",
        body,
    )


def library_rules(repo: Path) -> None:
    """One copy per book, and appointments that must not overlap (both 409)."""
    _hook(repo, "Loan", "loan", ONE_COPY)
    _hook(repo, "Appointment", "appointment", NO_OVERLAP)


def refuse_rooms(repo: Path) -> None:
    """Every new room refused with 409, whatever is sent."""
    plant(
        repo,
        "backend/domain/rules/room.py",
        '    """Check or complete the values of a new Room; return them."""\n    return values\n',
        NO_ROOMS,
    )


def gym_reference(repo: Path) -> None:
    """The gym task's reference rule: a lesson holds at most `capacity` bookings (409)."""
    rule = GYM / "reference/backend/domain/rules/booking.py"
    shutil.copy(rule, repo / "backend/domain/rules/booking.py")
