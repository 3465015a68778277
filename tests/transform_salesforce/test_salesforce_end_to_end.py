"""tap-staging → target-salesforce → Salesforce simulator on the built tables."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from target_salesforce.target import TargetSalesforce

from .conftest import SalesforceBuild, sim_config

testing = pytest.importorskip(
    "clinic_sandbox.salesforce.testing", reason="the Salesforce simulator package is not installed"
)

# The only rejects allowed: attachments tap-cliniko did not download, or whose file is not here.
ALLOWED = ("_file_path is missing", "file not found")
SOBJECTS = {
    "account": "Account",
    "appointment_type__c": "Appointment_Type__c",
    "product2": "Product2",
    "contact": "Contact",
    "practitioner__c": "Practitioner__c",
    "appointment__c": "Appointment__c",
    "invoice__c": "Invoice__c",
    "contentnote": "ContentNote",
}


def tap_output(build: SalesforceBuild, work: Path) -> str:
    config = work / "tap.json"
    config.write_text(
        json.dumps(
            {
                "crm": "salesforce",
                "path": str(build.database),
                "manifest_path": str(build.manifest_path),
            }
        )
    )
    tap = Path(sys.executable).with_name("tap-staging")
    result = subprocess.run(
        [str(tap), "--config", str(config)], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout


def test_every_published_record_is_accepted_by_the_simulator(
    salesforce_build: SalesforceBuild, tmp_path: Path
) -> None:
    assert salesforce_build.returncode == 0, salesforce_build.output[-4000:]
    messages = tap_output(salesforce_build, tmp_path)
    store = tmp_path / "sync.sqlite"  # sim_config puts the sync store here
    with testing.running_simulator(with_custom_objects=True, job_delay=0) as sim:
        config = sim_config(sim, tmp_path)
        TargetSalesforce(config=config, validate_config=True).listen(io.StringIO(messages))
        with sqlite3.connect(store) as connection:
            rejects = connection.execute(
                "select object, source_id, error from audit_log where error is not null"
            ).fetchall()
        problems = [r for r in rejects if not any(a in str(r[2]) for a in ALLOWED)]
        assert not problems
        for stream, sobject in SOBJECTS.items():
            published = salesforce_build.stream(stream)
            assert len(sim.records(sobject)) == len(published), stream
        contacts = sim.records("Contact")
        assert contacts and all(c["AccountId"] for c in contacts)
