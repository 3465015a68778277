"""The CRM target contract (crmsync.testing) for Salesforce: in-memory API and simulator."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from crmsync.testing import assert_contract, singer_messages
from sf_fake import FakeSalesforce
from sf_harness import clinic, config, last_report, run, sim_config, target_class


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
        reason="the Salesforce simulator (clinic_sandbox.salesforce) is not installed",
    )
    users = ["admin@clinic.test", "ana@clinic.test"]
    with testing.running_simulator(users=users, with_custom_objects=True, job_delay=0) as sim:
        cfg = sim_config(sim, tmp_path)
        assert_contract(target_class(None), cfg, clinic(tmp_path))
        (practitioner,) = sim.records("Practitioner__c")
        ana = next(u for u in sim.records("User") if u["Email"] == "ana@clinic.test")
        assert practitioner["User__c"] == ana["Id"]
        assert len(sim.records("ContentNote")) == 1 and len(sim.records("Contact")) == 3


def test_jwt_bulk_and_rerun_on_the_simulator(tmp_path: Path) -> None:
    testing = pytest.importorskip(
        "clinic_sandbox.salesforce.testing",
        reason="the Salesforce simulator (clinic_sandbox.salesforce) is not installed",
    )
    with testing.running_simulator(
        users=["ana@clinic.test"], with_custom_objects=True, job_delay=0
    ) as sim:
        # The JWT bearer flow only: no refresh token, no secret.
        cfg = sim_config(sim, tmp_path, bulk_threshold=3)
        for key in ("refresh_token", "client_secret"):
            cfg.pop(key)
        cfg.update(username=sim.credentials.username, private_key=sim.credentials.private_key_pem)
        first = run_on(cfg, tmp_path, patients=6)
        assert first["status"] == "succeeded", first
        assert first["objects"]["contact"]["created"] == 6
        assert sim.stats()["by_route"].get("POST /jobs/ingest")
        second = run_on(cfg, tmp_path, patients=6)
        assert second["objects"]["contact"]["unchanged"] == 6
        assert len(sim.records("Contact")) == 6


def run_on(cfg: dict[str, object], tmp_path: Path, patients: int) -> dict[str, object]:
    target = target_class(None)(config=cfg, validate_config=True)
    target.listen(io.StringIO(singer_messages(clinic(tmp_path, patients=patients))))
    return last_report(tmp_path)


def test_practitioner_links_the_user_matched_by_email(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    run(fake, tmp_path, clinic(tmp_path))
    (practitioner,) = fake.table("Practitioner__c").values()
    ana = "005000000000002AAA"  # Ana@Clinic.test: the match ignores case
    assert practitioner["User__c"] == ana and practitioner["OwnerId"] == ana
