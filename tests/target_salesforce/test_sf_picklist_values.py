"""`crmsync plan --apply` adds the values an existing custom picklist lacks (Tooling API)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from crmsync.errors import RecordRejected
from crmsync.plan import apply, compare
from crmsync.plan_model import FieldNeed
from sf_harness import sim_config, target_class
from target_salesforce.objects import APPOINTMENT, CONTACT

testing = pytest.importorskip(
    "clinic_sandbox.salesforce.testing", reason="the Salesforce simulator is not installed"
)
STATUSES = ("Booked", "Arrived", "Did Not Arrive", "Cancelled")
NEEDS = {"appointment__c": [FieldNeed("Status__c", "picklist", values=STATUSES)]}


def test_missing_values_are_added_and_the_ones_there_stay(tmp_path: Path) -> None:
    with testing.running_simulator(with_custom_objects=True) as sim:
        store = sim.store
        with store.lock:  # an org deployed before "Did Not Arrive" existed
            fields = store.objects["Appointment__c"].fields
            fields["Status__c"] = replace(fields["Status__c"], picklist=("Booked", "Cancelled"))
        client = target_class(None).connect(sim_config(sim, tmp_path))
        specs = {"appointment__c": APPOINTMENT}
        plan = compare(specs, client, NEEDS)
        (gap,) = [g for g in plan.blocking if g.field == "Status__c"]
        assert gap.kind == "picklist" and gap.values == ("Arrived", "Did Not Arrive")
        assert "plan --apply adds them" in gap.detail
        done = apply(plan, specs, client)
        assert not done.refused
        (field,) = done.extended
        assert field.choices == ("Booked", "Cancelled", "Arrived", "Did Not Arrive")
        assert not [g for g in compare(specs, client, NEEDS).blocking if g.field == "Status__c"]
        # Records with the new value are accepted now.
        with sim.client() as api:
            made = api.post("/sobjects/Appointment__c", json={"Name": "A", "Status__c": "Arrived"})
            assert made.status_code == 201, made.text


def test_a_standard_field_or_a_field_not_in_the_org_is_refused_with_its_reason(
    tmp_path: Path,
) -> None:
    with testing.running_simulator(with_custom_objects=True) as sim:
        client = target_class(None).connect(sim_config(sim, tmp_path))
        with pytest.raises(RecordRejected, match="standard field"):
            client.add_choices(CONTACT, "LeadSource", ("Cliniko",))
        with pytest.raises(RecordRejected, match="not a custom field"):
            client.add_choices(CONTACT, "Nothing__c", ("x",))
