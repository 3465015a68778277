"""Fixtures: one Freshsales simulator per test module over loopback, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from clinic_sandbox.freshsales.testing import RunningSimulator, running_simulator
from support.crm_simulators import USERS, fresh_client


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    """A simulator with the project's custom fields, two users and immediate bulk jobs."""
    with running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as running:
        yield running


@pytest.fixture
def api(sim: RunningSimulator) -> Iterator[httpx.Client]:
    """An authenticated client on an emptied simulator."""
    yield from fresh_client(sim)
