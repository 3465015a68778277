"""The CRM target contract (crmsync.testing) for Freshsales: in-memory API and simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmsync.testing import assert_contract
from freshsales_fake import FakeFreshsales
from freshsales_harness import config, target_class
from test_fs_simulator import USERS, clinic


def test_contract_on_the_in_memory_api(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    fake.users = [{"id": 70000000001 + i, **u} for i, u in enumerate(USERS)]
    assert_contract(target_class(fake), config(tmp_path), clinic(tmp_path))


def test_contract_on_the_simulator(tmp_path: Path) -> None:
    testing = pytest.importorskip(
        "clinic_sandbox.freshsales.testing",
        reason="the Freshsales simulator package is not installed",
    )
    with testing.running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as sim:
        cfg = config(tmp_path, base_url=sim.base_url, api_key=sim.api_key)
        assert_contract(target_class(None), cfg, clinic(tmp_path))
