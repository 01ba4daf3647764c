"""The backlog is the oracle: defects that share the generator's reading are caught, each
named by the backlog path it breaks, by the check that never reads the compiled spec.

tests/data/oracle.json declares what the scaffold once got wrong: an integer enum
(`duration_minutes`), a list's own `limit` bound (1-50), a query parameter that is not a
column (`date`), and a response field only a calculation fills (`ends_at`). The correct
service is the scaffold plus the calculation a model would write; each test plants one
defect in a copy of it and runs the contract gate (local sandbox, the machine's PostgreSQL
and Redis, the service under uvicorn).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.verify.evidence import CheckResult, Failure
from evals.tasks import scaffold_backlog
from sandbox.local import LocalSandbox
from tests.verify import service as vault

pytestmark = pytest.mark.slow
BACKLOG = Path(__file__).parents[1] / "data" / "oracle.json"
SCHEMAS = "backend/api/schemas/appointment.py"
ROUTER = "backend/api/routers/appointments.py"
RULES = "backend/domain/rules/appointment.py"
ENDS_AT = '''    """Check or complete the values of a new Appointment; return them."""
    values["ends_at"] = values["starts_at"] + timedelta(minutes=values["duration_minutes"])
    return values
'''
ITEM = "backlog_items[0].api_requirements"
Box = Callable[[Path], LocalSandbox]


@pytest.fixture(scope="module")
def correct(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scaffold of the backlog, plus the calculation of `ends_at` a model would add."""
    repo = tmp_path_factory.mktemp("oracle") / "svc"
    repo.mkdir()
    scaffold_backlog(BACKLOG, repo)
    plant = vault.plant
    done = '    """Check or complete the values of a new Appointment; return them."""\n'
    plant(repo, RULES, done + "    return values\n", ENDS_AT)
    plant(
        repo,
        RULES,
        "from typing import Any\n",
        "from datetime import timedelta\nfrom typing import Any\n",
    )
    return repo


@pytest.fixture
def service(correct: Path, tmp_path: Path) -> Path:
    return vault.copy(correct, tmp_path / "svc")


def contract(repo: Path, box: LocalSandbox) -> CheckResult:
    return vault.verify(repo, box, ["contract"], backlog=BACKLOG).checks[0]


def _at(check: CheckResult, source: str) -> list[Failure]:
    return [f for f in check.failures if f.source == source]


def test_the_correct_service_passes(service: Path, local_box: Box) -> None:
    """Without a planted defect the oracle finds nothing, and says what it sent."""
    check = contract(service, local_box(service))
    assert check.passed, [f"{f.where}: {f.message} ({f.source})" for f in check.failures]
    assert int(check.figures["oracle_requests"] or 0) > 20


def test_an_integer_enum_served_as_strings(service: Path, local_box: Box) -> None:
    """`Literal["15", ...]` refuses the 45 a client sends: named at the enum, with the
    request that carried 45 and the 422 that came back."""
    vault.plant(
        service,
        SCHEMAS,
        "duration_minutes: Literal[15, 30, 45, 60]",
        'duration_minutes: Literal["15", "30", "45", "60"]',
    )
    check = contract(service, local_box(service))
    found = _at(check, f"{ITEM}[0].request_schema.properties.duration_minutes.enum")
    assert found, [f"{f.message} ({f.source})" for f in check.failures]
    assert found[0].exchange is not None and found[0].exchange.status == 422
    assert found[0].exchange.body["duration_minutes"] in (15, 30, 45, 60)  # type: ignore[index]
    assert found[0].expected == "accepted (2xx)"


def test_a_loosened_bound_a_dropped_parameter_and_a_missing_field(
    service: Path, local_box: Box
) -> None:
    """Three defects at once, each named on its own: `limit` served up to 100 where the
    backlog says 50 (`?limit=51` answered 200, at the backlog's `maximum`); `?date=` not
    read (absent from the served schema, an impossible date answered 200); `ends_at` never
    filled (null on every endpoint that returns it, at each response schema)."""
    vault.plant(service, ROUTER, "paging(limit_max=50)", "paging(limit_max=100)")
    vault.plant(
        service, SCHEMAS, '    date_: Annotated[date | None, Field(alias="date")] = None\n', ""
    )
    vault.plant(service, RULES, '    values["ends_at"]', '    # values["ends_at"]')
    check = contract(service, local_box(service))
    shown = [f"{f.message} ({f.source})" for f in check.failures]
    loosened = _at(check, f"{ITEM}[1].request_schema.properties.limit.maximum")
    assert loosened and loosened[0].exchange, shown
    assert (loosened[0].exchange.body, loosened[0].exchange.status) == ({"limit": "51"}, 200)
    assert _at(check, f"{ITEM}[1].request_schema.properties.date"), shown
    impossible = _at(check, f"{ITEM}[1].request_schema.properties.date.format")
    assert impossible and impossible[0].exchange and impossible[0].exchange.status == 200
    for source in (
        f"{ITEM}[0].response_schema.properties.ends_at",
        f"{ITEM}[1].response_schema.items.properties.ends_at",
        f"{ITEM}[2].response_schema.properties.ends_at",
    ):
        assert _at(check, source), (source, shown)


def test_a_tightened_bound(service: Path, local_box: Box) -> None:
    """`limit` served only up to 20 where the backlog allows 50: `?limit=50` is refused,
    named at the backlog's `maximum` with the refusal that shows it."""
    vault.plant(service, ROUTER, "paging(limit_max=50)", "paging(limit_max=20)")
    check = contract(service, local_box(service))
    found = _at(check, f"{ITEM}[1].request_schema.properties.limit.maximum")
    assert found and found[0].exchange, [f"{f.message} ({f.source})" for f in check.failures]
    assert (found[0].exchange.body, found[0].exchange.status) == ({"limit": "50"}, 422)
