"""Account.ParentId: a stream that references itself, children before parents in the batch."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from crmsync.self_reference import layers
from crmsync.testing import singer_messages
from sf_harness import last_report, sim_config, target_class
from target_salesforce.objects import ACCOUNT

testing = pytest.importorskip(
    "clinic_sandbox.salesforce.testing", reason="the Salesforce simulator is not installed"
)


def account(source_id: str, parent: str | None = None, name: str | None = None) -> dict[str, Any]:
    return {
        "_source_id": source_id,
        "Cliniko_Id__c": source_id,
        "Name": name or source_id,
        "_ref__ParentId": parent,
    }


# Children first, grandchildren before their parents: the order the batch must not depend on.
HIERARCHY = [
    account("business:2", "account:practice"),
    account("business:3", "business:2"),  # a sub-location of a clinic
    account("account:unassigned"),
    account("account:practice"),
    account("business:1", "account:practice"),
]


def run(cfg: dict[str, Any], tmp_path: Path, records: list[dict[str, Any]]) -> dict[str, Any]:
    target = target_class(None)(config=cfg, validate_config=True)
    target.listen(io.StringIO(singer_messages([("account", records)])))
    return last_report(tmp_path)


def test_layers_put_parents_before_children_and_keep_order_without_a_hierarchy() -> None:
    order = [[HIERARCHY[p]["_source_id"] for p in layer] for layer in layers(ACCOUNT, HIERARCHY)]
    assert order == [
        ["account:unassigned", "account:practice"],
        ["business:2", "business:1"],
        ["business:3"],
    ]
    flat = [account(f"business:{i}") for i in range(3)]
    assert layers(ACCOUNT, flat) == [[0, 1, 2]]


def test_a_cycle_is_rejected_with_its_reason_and_the_rest_is_written(tmp_path: Path) -> None:
    cycle = [account("business:8", "business:9"), account("business:9", "business:8")]
    with testing.running_simulator(with_custom_objects=True, job_delay=0) as sim:
        report = run(sim_config(sim, tmp_path), tmp_path, [*cycle, account("account:practice")])
        counts = report["objects"]["account"]
        assert counts["created"] == 1 and counts["rejected"] == 2
        assert all("parent not written" in reason for reason in counts["reject_reasons"])
        assert [a["Cliniko_Id__c"] for a in sim.records("Account")] == ["account:practice"]


def test_every_account_links_to_its_parent_and_a_rerun_sends_nothing(tmp_path: Path) -> None:
    with testing.running_simulator(with_custom_objects=True, job_delay=0) as sim:
        cfg = sim_config(sim, tmp_path)
        first = run(cfg, tmp_path, HIERARCHY)
        assert first["objects"]["account"]["created"] == len(HIERARCHY)
        assert first["objects"]["account"]["rejected"] == 0
        held = {a["Cliniko_Id__c"]: a for a in sim.records("Account")}
        for record in HIERARCHY:
            parent = record["_ref__ParentId"]
            expected = held[parent]["Id"] if parent else None
            assert held[record["_source_id"]]["ParentId"] == expected, record["_source_id"]
        second = run(cfg, tmp_path, HIERARCHY)
        assert second["objects"]["account"]["unchanged"] == len(HIERARCHY)
        # Moving a clinic under another parent updates that one account only.
        moved = [*HIERARCHY[:-1], account("business:1", "business:2")]
        third = run(cfg, tmp_path, moved)
        assert third["objects"]["account"]["updated"] == 1
        held = {a["Cliniko_Id__c"]: a for a in sim.records("Account")}
        assert held["business:1"]["ParentId"] == held["business:2"]["Id"]
