"""TargetFreshsales against the Freshsales simulator over loopback: shapes, links, faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freshsales_harness import run

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)
faults = pytest.importorskip("clinic_sandbox.freshsales.faults")

USERS = [{"email": "admin@clinic.test"}, {"email": "Ana.Ruiz@clinic.test", "display_name": "Ana"}]


def clinic(tmp_path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    scan = tmp_path / "referral.pdf"
    scan.write_bytes(b"%PDF-1.4 referral letter")
    patients = [
        {
            "_source_id": f"patient:{n}",
            "first_name": "Pat",
            "last_name": f"Number{n}",
            "cf_cliniko_id": f"patient:{n}",
            "cf_insurance_status": "active",
            "_ref__sales_account_id": "business:1",
            "_owner_email": "ana.ruiz@clinic.test",
        }
        for n in range(12)  # above the bulk threshold: one bulk_upsert job
    ]
    return [
        (
            "sales_accounts",
            [{"_source_id": "business:1", "name": "North", "cf_cliniko_id": "business:1"}],
        ),
        ("contacts", patients),
        (
            "leads",
            [{"_source_id": "patient:99", "last_name": "Prospect", "cf_cliniko_id": "patient:99"}],
        ),
        (
            "products",
            [{"_source_id": "product:1", "name": "Massage 60", "cf_cliniko_id": "product:1"}],
        ),
        (
            "deals",
            [
                {
                    "_source_id": "invoice:1",
                    "name": "Invoice 1",
                    "amount": "120.00",
                    "cf_cliniko_id": "invoice:1",
                    "_ref__sales_account_id": "business:1",
                    "_ref__contact_id": "patient:1",
                    "_owner_email": "ana.ruiz@clinic.test",
                }
            ],
        ),
        (
            "tasks",
            [
                {
                    "_source_id": "appointment:1",
                    "title": "Consult (completed)",
                    "due_date": "2026-01-05T09:00:00Z",
                    "cf_cliniko_id": "appointment:1",
                    "_ref__targetable_id": "patient:99",
                    "_owner_email": "unknown@clinic.test",
                }
            ],
        ),
        (
            "appointments",
            [
                {
                    "_source_id": "appointment:2",
                    "title": "Follow-up",
                    "from_date": "2026-12-01T09:00:00Z",
                    "end_date": "2026-12-01T09:30:00Z",
                    "cf_cliniko_id": "appointment:2",
                    "_ref__targetable_id": "patient:2",
                }
            ],
        ),
        (
            "notes",
            [
                {
                    "_source_id": f"treatment_note:{n}",
                    "description": f"Note {n}",
                    "_ref__targetable_id": "patient:3",
                }
                for n in range(3)
            ],
        ),
        (
            "documents",
            [
                {
                    "_source_id": "attachment:1",
                    "file_name": "referral.pdf",
                    "_ref__targetable_id": "patient:4",
                    "_file_path": str(scan),
                }
            ],
        ),
    ]


def writes(stats: dict[str, Any]) -> int:
    return sum(n for route, n in stats["by_route"].items() if not route.startswith("GET"))


def totals(report: dict[str, Any], outcome: str) -> int:
    return sum(o[outcome] for o in report["objects"].values())


def test_full_graph_lands_linked_and_second_run_is_unchanged(tmp_path: Path) -> None:
    with testing.running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key}
        first = run(None, tmp_path, clinic(tmp_path), **cfg)
        assert first["balanced"] and totals(first, "rejected") == 0, first["objects"]
        assert totals(first, "created") == 22
        stats = sim.stats()
        assert stats["ignored_attributes"] == {}  # every attribute sent is one Freshsales knows
        assert stats["by_route"].get("POST /contacts/bulk_upsert") == 1
        account = sim.records("sales_accounts")[0]
        contacts = {c["custom_field"]["cf_cliniko_id"]: c for c in sim.records("contacts")}
        with sim.client() as http:
            users = {
                u["email"].lower(): u["id"] for u in http.get("selector/owners").json()["users"]
            }
        assert all(c["sales_account_id"] == account["id"] for c in contacts.values())
        assert {c["owner_id"] for c in contacts.values()} == {users["ana.ruiz@clinic.test"]}
        (deal,) = sim.records("deals")
        assert deal["contacts_added_list"] == [contacts["patient:1"]["id"]]
        (task,) = sim.records("tasks")
        assert (task["targetable_type"], task["targetable_id"]) == (
            "Lead",
            sim.records("leads")[0]["id"],
        )
        notes = sim.records("notes")
        assert {n["targetable_id"] for n in notes} == {contacts["patient:3"]["id"]}
        (document,) = sim.records("documents")
        assert document["targetable_id"] == contacts["patient:4"]["id"]
        writes_before = writes(sim.stats())
        second = run(None, tmp_path, clinic(tmp_path), **cfg)
        assert totals(second, "unchanged") == totals(second, "received") == 22
        assert writes(sim.stats()) == writes_before


def test_lost_answers_then_reruns_leave_no_duplicates_and_no_gaps(tmp_path: Path) -> None:
    lossy = faults.FaultSettings(drop_rate=0.25, seed=7)
    with testing.running_simulator(
        users=USERS, with_custom_fields=True, job_delay=0, faults=lossy
    ) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key, "read_back_counts": False}
        for _ in range(6):
            report = run(None, tmp_path, clinic(tmp_path), **cfg)
            if totals(report, "rejected") == 0 and report["pending_intents"] == 0:
                break
        else:
            pytest.fail(f"still rejecting after 6 runs: {report['objects']}")
        assert sim.stats()["faults"]["drop"] > 0
        for entity, expected in {
            "contacts": 12,
            "leads": 1,
            "notes": 3,
            "tasks": 1,
            "documents": 1,
        }.items():
            assert len(sim.records(entity)) == expected, entity
