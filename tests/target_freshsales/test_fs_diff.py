"""The field-level diff on the Freshsales simulator: publish rows vs records read back."""

from __future__ import annotations

import argparse
import csv
import json
import stat
from pathlib import Path
from typing import Any

import duckdb
import pytest
from crmsync.commands import diff
from crmsync.context import CliContext
from freshsales_harness import config, run, target_class

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)

USERS = [{"email": "admin@clinic.test"}, {"email": "ana@clinic.test"}]


def clinic() -> list[tuple[str, list[dict[str, Any]]]]:
    people = [
        {
            "_source_id": f"patient:{n}",
            "first_name": "Pat",
            "last_name": f"Number{n}",
            "cf_cliniko_id": f"patient:{n}",
            "cf_insurance_status": "active",
            "_ref__sales_account_id": "business:1",
            "_owner_email": "ANA@clinic.test",
        }
        for n in range(3)
    ]
    return [
        ("sales_accounts", [{"_source_id": "business:1", "name": "North"}]),
        ("contacts", people),
        (
            "deals",
            [
                {
                    "_source_id": "invoice:1",
                    "name": "Invoice 1",
                    "amount": "120.50",
                    "_ref__sales_account_id": "business:1",
                    "_ref__contact_id": "patient:1",
                }
            ],
        ),
        (
            "tasks",
            [
                {
                    "_source_id": "appointment:1",
                    "title": "Consult",
                    "due_date": "2026-01-05T09:00:00Z",
                    "_ref__targetable_id": "patient:2",
                }
            ],
        ),
    ]


def staging(tmp_path: Path, batches: list[tuple[str, list[dict[str, Any]]]]) -> Path:
    """The publish tables holding exactly the rows the target was sent (all text columns)."""
    path = tmp_path / "staging.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publish_freshsales")
        for stream, rows in batches:
            columns = sorted({k for r in rows for k in r})
            defs = ", ".join(f'"{c}" varchar' for c in columns)
            con.execute(f"create table publish_freshsales.freshsales__{stream} ({defs})")
            for r in rows:
                con.execute(
                    f"insert into publish_freshsales.freshsales__{stream} values "  # noqa: S608 (test names)
                    f"({', '.join('?' * len(columns))})",
                    [r.get(c) for c in columns],
                )
    return path


def crmsync_diff(tmp_path: Path, sim: Any, staging_path: Path) -> int:
    cfg = config(tmp_path, base_url=sim.base_url, api_key=sim.api_key)
    context = CliContext("freshsales", target_class(None), cfg)
    try:
        return diff.run(
            context, argparse.Namespace(staging=str(staging_path), run=None, object=None)
        )
    finally:
        context.close()


def test_sample_diff_is_clean_then_finds_what_changed_in_the_crm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with testing.running_simulator(users=USERS, with_custom_fields=True, job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key}
        batches = clinic()
        report = run(None, tmp_path, batches, **cfg)
        assert report["balanced"]
        path = staging(tmp_path, batches)
        assert crmsync_diff(tmp_path, sim, path) == 0, capsys.readouterr().out
        out = capsys.readouterr().out
        assert "6 records compared; 0 field(s) differ; 0 record(s) missing" in out

        # What the CRM legitimately reformats is equal; a real change is not; a deletion is missing.
        contacts = {c["custom_field"]["cf_cliniko_id"]: c["id"] for c in sim.records("contacts")}
        (task,) = sim.records("tasks")
        (deal,) = sim.records("deals")
        with sim.client() as http:
            http.put(
                f"tasks/{task['id']}", json={"task": {"due_date": "2026-01-05T19:00:00+10:00"}}
            )
            http.put(f"deals/{deal['id']}", json={"deal": {"amount": 120.5}})
            http.put(
                f"contacts/{contacts['patient:0']}",
                json={
                    "contact": {
                        "last_name": "Changed",
                        "custom_field": {"cf_insurance_status": "expired"},
                    }
                },
            )
            http.delete(f"contacts/{contacts['patient:2']}")
        assert crmsync_diff(tmp_path, sim, path) == 1
        out = capsys.readouterr().out
        assert "Changed" not in out and "Number0" not in out  # values never reach the console
        doc = json.loads((tmp_path / "reports" / "freshsales-diff.json").read_text())
        fields = doc["objects"]["contacts"]["fields"]
        assert fields["last_name"] == {
            "equal": 1,
            "different": 1,
            "missing": 1,
            "examples": [
                {
                    "source_id": "patient:0",
                    "crm_id": str(contacts["patient:0"]),
                    "sent": "Number0",
                    "stored": "Changed",
                }
            ],
        }
        assert fields["owner_id"]["equal"] == 2  # the owner resolved from _owner_email
        assert fields["sales_account_id"]["equal"] == 2  # the reference through the id map
        assert doc["objects"]["contacts"]["missing"] == 1
        assert doc["objects"]["tasks"]["fields"]["due_date"]["different"] == 0
        assert doc["objects"]["deals"]["fields"]["amount"]["different"] == 0
        assert doc["objects"]["deals"]["fields"]["contact_id"]["equal"] == 1
        for name in ("freshsales-diff.json", "freshsales-diff.csv", "freshsales-diff-examples.csv"):
            assert stat.S_IMODE((tmp_path / "reports" / name).stat().st_mode) == 0o600
        rows = list(csv.DictReader((tmp_path / "reports" / "freshsales-diff.csv").open()))
        assert {"object": "contacts", "field": "cf_insurance_status", "equal": "1",
                "different": "1", "missing": "1"} in rows  # fmt: skip
