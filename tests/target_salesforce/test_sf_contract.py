"""The CRM target contract (crmsync.testing) for Salesforce: in-memory API and simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmsync.testing import assert_contract
from sf_fake import FakeSalesforce
from sf_harness import clinic, config, run, target_class


def test_contract_on_the_in_memory_api(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    assert_contract(target_class(fake), config(tmp_path), clinic(tmp_path))
    # Every object landed once, each file and note linked to its contact.
    assert len(fake.table("Contact")) == 3
    assert len(fake.table("Account")) == 2
    assert len(fake.table("ContentNote")) == 1 and len(fake.links) == 1
    assert len(fake.table("ContentVersion")) == 1


def test_contract_with_bulk_api(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    cfg = config(tmp_path, bulk_threshold=2)
    assert_contract(target_class(fake), cfg, clinic(tmp_path, patients=5))
    assert any(path.endswith("/jobs/ingest") for _, path in fake.requests)
    assert len(fake.table("Contact")) == 5


def test_contract_on_the_simulator(tmp_path: Path) -> None:
    testing = pytest.importorskip(
        "clinic_sandbox.salesforce.testing",
        reason="the Salesforce simulator (clinic_sandbox.salesforce) is not committed yet",
    )
    with testing.running_simulator() as sim:
        cfg = config(tmp_path, **sim.target_config())
        assert_contract(target_class(None), cfg, clinic(tmp_path))


def test_practitioner_links_the_user_matched_by_email(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    run(fake, tmp_path, clinic(tmp_path))
    (practitioner,) = fake.table("Practitioner__c").values()
    ana = "005000000000002AAA"  # Ana@Clinic.test: the match ignores case
    assert practitioner["User__c"] == ana and practitioner["OwnerId"] == ana
