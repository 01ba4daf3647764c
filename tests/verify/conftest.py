"""The clean vault service, scaffolded once per session; each test gets its own copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify import service

Box = Callable[[Path], LocalSandbox]


@pytest.fixture(scope="session")
def clean_vault(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("vault") / "svc"
    repo.mkdir()
    service.scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES))
    return repo


@pytest.fixture
def vault(clean_vault: Path, tmp_path: Path) -> Path:
    """A fresh copy of the clean service, to plant one defect in."""
    return service.copy(clean_vault, tmp_path / "svc")
