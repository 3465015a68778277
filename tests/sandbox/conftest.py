"""Fixtures for the clinic generator and Cliniko simulator tests: one small clinic, reused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clinic_sandbox.clinic import GenerateOptions, generate_clinic
from clinic_sandbox.testing import cliniko_sandbox

# A fixed "now" keeps every test run on identical data (2026-01-01T00:00:00Z).
AS_OF = 1767225600
SMALL = GenerateOptions(patients=120, seed=11, as_of=AS_OF)
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def cliniko_clinic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated clinic, read-only for the tests that share it."""
    folder = tmp_path_factory.mktemp("cliniko-clinic")
    generate_clinic(folder, SMALL)
    return folder


@pytest.fixture(scope="module")
def cliniko_sb(cliniko_clinic_dir: Path):
    """A simulator over the shared clinic with default behaviour (do not mutate it)."""
    with cliniko_sandbox(
        patients=SMALL.patients, seed=SMALL.seed, as_of=AS_OF, data_dir=cliniko_clinic_dir
    ) as sb:
        yield sb


TINY = GenerateOptions(patients=40, seed=5, as_of=AS_OF)


@pytest.fixture(scope="session")
def cliniko_tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cliniko-tiny")
    generate_clinic(folder, TINY)
    return folder


@pytest.fixture
def cliniko_private_sb(cliniko_tiny_template: Path, tmp_path: Path):
    """A simulator over its own copy of a tiny clinic, for tests that mutate or reconfigure."""
    folder = tmp_path / "clinic"
    shutil.copytree(cliniko_tiny_template, folder)
    with cliniko_sandbox(
        patients=TINY.patients, seed=TINY.seed, as_of=AS_OF, data_dir=folder
    ) as sb:
        yield sb
