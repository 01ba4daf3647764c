"""The clean vault service, scaffolded once per session; each test gets its own copy. The
same for services whose rules refuse duplicates and overlaps: the library (tests/data) and
the gym eval task, with their rules written in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.verify import rules, service

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


@pytest.fixture(scope="session")
def clean_library(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("library") / "svc"
    repo.mkdir()
    service.scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES), service.LIBRARY)
    rules.library_rules(repo)
    return repo


@pytest.fixture
def library(clean_library: Path, tmp_path: Path) -> Path:
    """A fresh copy of the library service, its one-copy and no-overlap rules written in."""
    return service.copy(clean_library, tmp_path / "svc")


@pytest.fixture(scope="session")
def clean_gym(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("gym") / "svc"
    repo.mkdir()
    service.scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES), service.GYM)
    rules.gym_reference(repo)
    return repo


@pytest.fixture
def gym(clean_gym: Path, tmp_path: Path) -> Path:
    """A fresh copy of the gym service with the eval task's reference capacity rule."""
    return service.copy(clean_gym, tmp_path / "svc")
