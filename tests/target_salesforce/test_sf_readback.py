"""Read-back for the field-level diff: stored values come back in the form that was sent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from crmsync.diff import diff_object
from crmsync.diff_sources import IdMap, PublishRows
from crmsync.owners import OwnerResolver
from crmsync.testing import assert_contract, run_target
from sf_harness import clinic, sim_config, target_class
from target_salesforce.objects import CONTACT


def test_a_note_reads_back_as_its_text_and_unsent_audit_fields_are_named(tmp_path: Path) -> None:
    testing = pytest.importorskip(
        "clinic_sandbox.salesforce.testing",
        reason="the Salesforce simulator (clinic_sandbox.salesforce) is not installed",
    )
    users = ["admin@clinic.test", "ana@clinic.test"]
    with testing.running_simulator(users=users, with_custom_objects=True, job_delay=0) as sim:
        cfg = sim_config(sim, tmp_path)
        target = target_class(None)
        assert_contract(target, cfg, clinic(tmp_path))
        client = target.connect(cfg)
        note_spec = next(s for s in target.objects if s.stream == "contentnote")
        (note,) = sim.records("ContentNote")
        # Salesforce stores ContentNote.Content as base64; the diff must see the text it was sent.
        assert client.read(note_spec, note["Id"], ["Content"])["Content"] == "<p>Improving</p>"
        # Without the org permission the audit fields are never sent, so the diff skips them.
        assert "CreatedDate" in client.unsent_fields(note_spec)
        assert target.connect({**cfg, "set_audit_fields": True}).unsent_fields(note_spec) == ()


def test_the_diff_reads_records_back_in_soql_batches_and_counts_a_deleted_one(
    tmp_path: Path,
) -> None:
    testing = pytest.importorskip("clinic_sandbox.salesforce.testing")
    batches = clinic(tmp_path, patients=450)
    accounts, contacts = dict(batches)["account"], dict(batches)["contact"]
    staging = tmp_path / "staging.duckdb"
    with duckdb.connect(str(staging)) as con:
        con.execute("create schema publish_salesforce")
        for stream, rows in (("account", accounts), ("contact", contacts)):
            columns = list(dict.fromkeys(key for row in rows for key in row))
            names = ", ".join(f'"{c}" varchar' for c in columns)
            table = f"publish_salesforce.salesforce__{stream}"
            con.execute(f"create table {table} ({names})")
            con.executemany(
                f"insert into {table} values ({', '.join('?' * len(columns))})",  # noqa: S608
                [[row.get(c) for c in columns] for row in rows],
            )
    with testing.running_simulator(
        users=["ana@clinic.test"], with_custom_objects=True, job_delay=0
    ) as sim:
        cfg = sim_config(sim, tmp_path)
        target = target_class(None)
        run_target(target, cfg, [("account", accounts), ("contact", contacts)])
        client = target.connect(cfg)
        gone = sim.records("Contact")[7]["Id"]
        with sim.client() as api:
            assert api.delete(f"/sobjects/Contact/{gone}").status_code == 204
        ids = IdMap(tmp_path / "sync" / "salesforce.sqlite")
        publish = PublishRows(staging, "publish_salesforce")
        owners = OwnerResolver(client.list_users(), None)
        before = Counter(sim.stats()["by_route"])
        try:
            result = diff_object(CONTACT, client, ids, publish, owners)
        finally:
            ids.close()
        calls = Counter(sim.stats()["by_route"]) - before
    assert result.records == 450 and result.missing == 1
    assert {name: f.different for name, f in result.fields.items() if f.different} == {}
    assert result.fields["LastName"].equal == 449
    # Three SOQL queries (200 + 200 + 50 Cliniko_Id__c values), not one GET per record.
    assert calls == Counter({"GET /query": 3}), calls
