"""`crmsync plan` on the Salesforce simulator: the deployed schema holds every publish column, and
a missing custom field is created through the Tooling API."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmsync.plan import apply, compare, needs_from_manifest
from target_salesforce.target import TargetSalesforce

from .conftest import SalesforceBuild, sim_config

testing = pytest.importorskip(
    "clinic_sandbox.salesforce.testing", reason="the Salesforce simulator is not installed"
)
SPECS = {spec.stream: spec for spec in TargetSalesforce.objects}


def test_the_deployed_schema_holds_every_column(
    salesforce_build: SalesforceBuild, tmp_path: Path
) -> None:
    needs = needs_from_manifest(salesforce_build.manifest_path, "salesforce")
    with testing.running_simulator(with_custom_objects=True) as sim:
        client = TargetSalesforce.connect(sim_config(sim, tmp_path))
        plan = compare(SPECS, client, needs)
    assert not plan.blocking, [(g.stream, g.field, g.kind, g.detail) for g in plan.blocking]


def test_missing_custom_fields_are_created(
    salesforce_build: SalesforceBuild, tmp_path: Path
) -> None:
    needs = needs_from_manifest(salesforce_build.manifest_path, "salesforce")
    with testing.running_simulator(with_custom_objects=False) as sim:
        client = TargetSalesforce.connect(sim_config(sim, tmp_path))
        plan = compare({"contact": SPECS["contact"]}, client, needs)
        creates = {g.field for g in plan.gaps if g.kind == "create"}
        assert {"Cliniko_Id__c", "Medicare_Number__c", "EPC_Expiry__c"} <= creates
        apply(plan, {"contact": SPECS["contact"]}, client)
        again = compare({"contact": SPECS["contact"]}, client, needs)
        assert not again.blocking, [(g.field, g.detail) for g in again.blocking]
        described = {f.name: f for f in client.field_metadata(SPECS["contact"]) or []}
        assert described["Cliniko_Id__c"].unique
