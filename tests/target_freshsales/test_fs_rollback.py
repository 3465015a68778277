"""Rollback on the Freshsales simulator: undo a delta run, then the first run, exactly."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from crmsync.commands import rollback
from crmsync.context import CliContext
from freshsales_harness import config, run, target_class

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)

USERS = [{"email": "admin@clinic.test"}, {"email": "ana@clinic.test"}]
ENTITIES = (
    "sales_accounts",
    "contacts",
    "leads",
    "products",
    "deals",
    "tasks",
    "appointments",
    "notes",
    "documents",
)


def clinic(tmp_path: Path, version: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """The clinic at `version` 1, or 2 = a delta: 11 renamed patients, one new, edits below."""
    scan = tmp_path / "referral.pdf"
    scan.write_bytes(b"%PDF-1.4 referral")
    patients = 12 if version == 1 else 13  # patient:12 is new in the delta

    def person(n: int) -> dict[str, Any]:
        renamed = version == 2 and n < 11  # ≥ 10 updates: they go as one bulk_upsert job
        return {
            "_source_id": f"patient:{n}",
            "first_name": "Pat",
            "last_name": f"{'Renamed' if renamed else 'Number'}{n}",
            "cf_cliniko_id": f"patient:{n}",
            "cf_insurance_status": "expired" if renamed else "active",
            "_ref__sales_account_id": "business:1",
            "_owner_email": "ana@clinic.test",
        }

    return [
        (
            "sales_accounts",
            [{"_source_id": "business:1", "name": "North", "cf_cliniko_id": "business:1"}],
        ),
        ("contacts", [person(n) for n in range(patients)]),
        ("leads", [{"_source_id": "patient:99", "last_name": "Prospect"}]),
        ("products", [{"_source_id": "product:1", "name": "Massage " + str(60 * version)}]),
        (
            "deals",
            [
                {
                    "_source_id": "invoice:1",
                    "name": "Invoice 1",
                    "amount": "120.00" if version == 1 else "95.00",
                    "_ref__sales_account_id": "business:1",
                    "_ref__contact_id": "patient:1",
                    "_owner_email": "ana@clinic.test",
                }
            ],
        ),
        (
            "tasks",
            [
                {
                    "_source_id": "appointment:1",
                    "title": "Consult" if version == 1 else "Consult (did not arrive)",
                    "due_date": "2026-01-05T09:00:00Z",
                    "_ref__targetable_id": "patient:99",
                }
            ],
        ),
        (
            "notes",
            [
                {"_source_id": f"treatment_note:{n}", "description": f"Note {n}"}
                | {"_ref__targetable_id": f"patient:{n}"}
                for n in range(2 if version == 1 else 3)  # the delta adds a note to patient:2
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


def crm_state(sim: Any) -> dict[str, dict[int, dict[str, Any]]]:
    """Every live record by id, without the timestamps Freshsales sets on each write."""
    state = {}
    for entity in ENTITIES:
        state[entity] = {
            r["id"]: {k: v for k, v in r.items() if k != "updated_at"} for r in sim.records(entity)
        }
    return state


def undo(tmp_path: Path, cfg: dict[str, Any], run_id: int, yes: bool = True) -> int:
    context = CliContext("freshsales", target_class(None), config(tmp_path, **cfg))
    try:
        args = argparse.Namespace(run_id=run_id, only=False, yes=yes)
        return rollback.run(context, args)
    finally:
        context.close()


def audit(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "sync" / "freshsales.sqlite") as db:
        return db.execute(sql).fetchall()


def test_roll_back_the_delta_then_the_first_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with testing.running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key}
        first = run(None, tmp_path, clinic(tmp_path, 1), **cfg)
        assert first["balanced"] and first["run_id"] == 1
        assert sum(o["rejected"] for o in first["objects"].values()) == 0, first["objects"]
        after_first = crm_state(sim)
        reads = sim.stats()["by_route"].get("GET /contacts/{id}", 0)
        delta = run(None, tmp_path, clinic(tmp_path, 2), **cfg)
        assert delta["run_id"] == 2 and delta["objects"]["contacts"]["updated"] == 11
        # The `before` of every update is the payload run 1 sent, kept in the store: no reads.
        assert sim.stats()["by_route"].get("GET /contacts/{id}", 0) == reads
        assert delta["objects"]["notes"]["created"] == 1
        assert crm_state(sim) != after_first

        # Dry run: prints the plan, changes nothing.
        assert undo(tmp_path, cfg, 2, yes=False) == 0
        out = capsys.readouterr().out
        assert "would undo run(s) 2" in out and "dry run: nothing was changed" in out
        assert sim.records("contacts")[12]["last_name"] == "Number12"  # still there

        assert undo(tmp_path, cfg, 2) == 0
        assert crm_state(sim) == after_first
        plan = json.loads((tmp_path / "reports" / "freshsales-rollback-3.json").read_text())
        assert plan["done"]["contacts"] == {"deleted": 1, "restored": 11}
        assert plan["done"]["notes"] == {"deleted": 1}
        # Twice is harmless: nothing left to do, no CRM write.
        writes = sim.stats()["requests_total"]
        assert undo(tmp_path, cfg, 2) == 0
        assert "skipped" in capsys.readouterr().out
        assert sim.stats()["requests_total"] == writes
        assert crm_state(sim) == after_first

        # The id map forgets what was deleted; restored records are rewritten by the next run.
        assert audit(tmp_path, "select count(*) from id_map where source_id = 'patient:12'") == [
            (0,)
        ]
        singles = sim.stats()["by_route"].get("DELETE /contacts/{id}", 0)
        assert undo(tmp_path, cfg, 1) == 0
        assert all(not records for records in crm_state(sim).values()), crm_state(sim)
        # 12 contacts: one bulk_destroy job (from bulk_upsert_threshold, 10), not 12 deletes.
        routes = sim.stats()["by_route"]
        assert routes.get("POST /contacts/bulk_destroy") == 1
        assert routes.get("DELETE /contacts/{id}", 0) == singles
        assert audit(tmp_path, "select count(*) from id_map") == [(0,)]
        ops = audit(
            tmp_path,
            "select r.run_id, a.operation, a.outcome, count(*) from audit_log a join runs r "
            "using (run_id) where r.mode = 'rollback' group by 1, 2, 3 order by 1, 2",
        )
        assert ops == [
            (3, "delete", "deleted", 2),
            (3, "restore", "restored", 14),  # 11 contacts, a product, a deal, a task
            (5, "delete", "deleted", 20),  # everything the first run created
        ]


def test_a_migration_after_a_rollback_writes_everything_again(tmp_path: Path) -> None:
    with testing.running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key}
        run(None, tmp_path, clinic(tmp_path, 1), **cfg)
        run(None, tmp_path, clinic(tmp_path, 2), **cfg)
        undo(tmp_path, cfg, 2)
        again = run(None, tmp_path, clinic(tmp_path, 2), **cfg)
        # Restored records carry no hash: the delta is rewritten; deleted ones are created.
        assert again["objects"]["contacts"]["created"] == 1
        assert again["objects"]["contacts"]["updated"] == 11
        assert again["objects"]["contacts"]["unchanged"] == 1  # patient:11 never changed
        renamed = {c["last_name"] for c in sim.records("contacts")}
        assert "Renamed3" in renamed and len(sim.records("contacts")) == 13
