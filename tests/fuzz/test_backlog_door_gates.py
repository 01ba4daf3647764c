"""The backlog door's whole promise on a few drawn backlogs: accepted by validate, the
scaffolded service passes its own lint, its own tests and its migrations (up, down, up) on
real PostgreSQL. A backlog validate accepts and the service then fails is the third outcome
the door must never have."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import Phase, example, given, settings

from agent.backlog.loader import parse_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.gates import GateContext, run_gates
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.fuzz.backlogs import sane_backlog

pytestmark = pytest.mark.slow


# Found by this test: an optional password-typed field, declared in the response too.
# The hash column was NOT NULL (a create without it: 409) and the response carried it.
OPTIONAL_SECRET = {
    "backlog_items": [
        {
            "id": "IT-0",
            "user_story": "s",
            "priority": 67,
            "api_requirements": [
                {
                    "method": "POST",
                    "endpoint": "/api/v1/nbx",
                    "request_schema": {"class": "password?"},
                    "response_schema": {"class": "password?"},
                    "auth_required": True,
                    "rate_limit": "100/minute",
                },
                {
                    "method": "GET",
                    "endpoint": "/api/v1/nbx",
                    "request_schema": {},
                    "auth_required": True,
                },
                {
                    "method": "GET",
                    "endpoint": "/api/v1/nbx/{id}",
                    "response_schema": {"class": "password?"},
                    "auth_required": False,
                    "rate_limit": "5 per second",
                },
                {
                    "method": "PATCH",
                    "endpoint": "/api/v1/nbx/{id}",
                    "request_schema": {"class": "password?"},
                    "auth_required": True,
                },
            ],
            "business_logic": {"rules": []},
            "acceptance_criteria": ["x"],
        }
    ]
}


# Found by this test: a string format on a number (`{"type": "number", "format": "email"}`)
# made the field an email string in the model: the service refused every number.
FORMAT_ON_NUMBER = {
    "backlog_items": [
        {
            "id": "IT-0",
            "user_story": "s",
            "priority": 4,
            "api_requirements": [
                {
                    "method": "POST",
                    "endpoint": "/api/v1/nbx",
                    "request_schema": {
                        "type": "object",
                        "properties": {"import": {"type": "number", "format": "email"}},
                    },
                    "response_schema": {
                        "type": "object",
                        "properties": {"import": {"type": "number", "format": "email"}},
                    },
                    "auth_required": True,
                },
                {
                    "method": "GET",
                    "endpoint": "/api/v1/nbx",
                    "request_schema": {},
                    "auth_required": True,
                },
                {
                    "method": "PATCH",
                    "endpoint": "/api/v1/nbx/{key}",
                    "request_schema": {
                        "type": "object",
                        "properties": {"import": {"type": "number", "format": "email"}},
                    },
                    "auth_required": False,
                },
                {"method": "POST", "endpoint": "/api/v1/nbx/{key}/archive", "auth_required": False},
            ],
            "business_logic": {"rules": ["returns 400 when: the amount is negative"]},
            "acceptance_criteria": ["x", "returns 400 when: the amount is negative"],
        }
    ]
}


@settings(max_examples=2, phases=[Phase.explicit, Phase.generate])  # a shrink costs minutes
@given(doc=sane_backlog())
@example(doc=OPTIONAL_SECRET)
@example(doc=FORMAT_ON_NUMBER)
def test_an_accepted_backlog_scaffolds_a_service_that_passes_lint_tests_migrations(
    doc: dict[str, object], tmp_path_factory: pytest.TempPathFactory, service_python: Path
) -> None:
    """Each drawn backlog: validate accepts it, and lint, tests and migrations pass."""
    spec = compile_backlog(parse_backlog(json.dumps(doc)))
    repo = tmp_path_factory.mktemp("fuzz-gates")
    box = LocalSandbox(repo, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))
    ctx = GateContext(
        sandbox=box, services=HOST_SERVICES, repo=repo,
        db_prefix=f"ba_fuzz_{uuid.uuid4().hex[:8]}", timeout_s=300, spec=spec,
    )  # fmt: skip
    evidence = run_gates(ctx, ["lint", "tests", "migrations"], 1)
    failures = [f"{c.name} {f.where}: {f.message}" for c in evidence.checks for f in c.failures]
    assert all(c.passed for c in evidence.checks), (json.dumps(doc, indent=1), failures)
