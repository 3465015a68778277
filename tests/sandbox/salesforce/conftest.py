"""Fixtures: one Salesforce simulator per test module over loopback, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from clinic_sandbox.salesforce.testing import RunningSimulator, running_simulator
from support.crm_simulators import USERS, fresh_client


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    """A deployed org (custom objects) with two users and immediate Bulk jobs."""
    with running_simulator(users=USERS, with_custom_objects=True, job_delay=0) as running:
        yield running


@pytest.fixture
def api(sim: RunningSimulator) -> Iterator[httpx.Client]:
    """An authenticated client on an emptied org."""
    yield from fresh_client(sim)


@pytest.fixture
def account(api: httpx.Client) -> str:
    """A clinic Account with Cliniko_Id__c `business:1`; its Id."""
    answer = api.post(
        "/sobjects/Account", json={"Name": "North Clinic", "Cliniko_Id__c": "business:1"}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]
