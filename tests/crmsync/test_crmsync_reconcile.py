"""`crmsync reconcile` per Cliniko entity: dbt's reconciliation table joined with the sync store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from crmsync.commands import reconcile
from crmsync.context import CliContext
from crmsync.spec import ObjectSpec
from crmsync.store import Outcome, SQLiteSyncStore


class ToyTarget:
    """What the command reads from a CRM target class: its name, objects and publish schema."""

    crm = "toy"
    objects = (
        ObjectSpec(stream="contacts", endpoint="contacts", load_order=1),
        ObjectSpec(stream="notes", endpoint="notes", load_order=2),
    )

    @classmethod
    def publish_schema(cls) -> str:
        return "publish_toy"


# (entity, cliniko_count, destination, crm_object, reason, prefixes, may_be_rejected, records)
ADDS_UP = [
    ("patients", 3, "contacts", "contacts", None, ["patient"], False, 2),
    ("patients", 3, "excluded", None, "patient deleted in Cliniko", ["patient"], False, 1),
    ("practitioners", 1, "contacts", "contacts", "only when no user", ["practitioner"], True, 1),
    ("treatment_notes", 2, "notes", "notes", None, ["treatment_note"], False, 1),
    ("treatment_notes", 2, "cf_treatment_notes", None, "long note", ["treatment_note"], False, 1),
]
# What the latest run did: (object, source id, outcome).
WRITTEN = [
    ("contacts", "patient:1", "created"),
    ("contacts", "patient:2", "unchanged"),
    ("contacts", "practitioner:9", "rejected"),
    ("notes", "treatment_note:5", "created"),
    # Derived records: a second part of the note and a text-area overflow are no Cliniko records.
    ("notes", "treatment_note:5:part2", "created"),
    ("notes", "patient:1:allergies_overflow", "created"),
]


def staging(path: Path, rows: list[tuple[Any, ...]] | None) -> Path:
    """A staging file with the publish tables and, unless None, the reconciliation model."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publish_toy")
        con.execute(
            "create table publish_toy.toy__contacts as select * from (values "
            "('patient:1'), ('patient:2'), ('practitioner:9')) t(_source_id)"
        )
        con.execute(
            "create table publish_toy.toy__notes as select * from (values ('treatment_note:5'), "
            "('treatment_note:5:part2'), ('patient:1:allergies_overflow')) t(_source_id)"
        )
        if rows is not None:
            con.execute("create schema audit")
            con.execute(
                "create table audit.audit__toy_reconciliation (cliniko_entity varchar, "
                "cliniko_streams varchar, cliniko_count bigint, destination varchar, "
                "crm_object varchar, reason varchar, source_id_prefixes varchar[], "
                "may_be_rejected boolean, record_count bigint)"
            )
            for row in rows:
                con.execute(
                    "insert into audit.audit__toy_reconciliation "
                    "values (?, 'x', ?, ?, ?, ?, ?, ?, ?)",
                    list(row),
                )
    return path


def store(
    path: Path, outcomes: list[tuple[str, str, str]], pending: tuple[str, str] | None = None
) -> Path:
    """A sync store holding one finished run with these outcomes, after a crashed run that left
    the `pending` (object, source id) intent when one is given."""
    db = SQLiteSyncStore(path)
    try:
        if pending:
            crashed = db.begin_run("sync")
            db.open_intent(crashed, *pending)
            db.finish_run(crashed, "crashed", {})
        run_id = db.begin_run("sync")
        for n, (obj, source_id, outcome) in enumerate(outcomes):
            written = outcome != "rejected"
            db.record(
                run_id,
                Outcome(
                    obj,
                    source_id,
                    "reject" if not written else "create",
                    outcome,
                    crm_id=str(1000 + n) if written else None,
                    error=None if written else "not written: this person is a CRM user",
                    payload_hash="h" if written else None,
                ),
            )
        db.finish_run(run_id, "succeeded", {})
    finally:
        db.close()
    return path


def run(
    tmp_path: Path,
    rows: list[tuple[Any, ...]] | None,
    outcomes: list[tuple[str, str, str]],
    pending: tuple[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    config = {
        "sync_store_path": str(store(tmp_path / "sync.sqlite", outcomes, pending)),
        "reports_dir": str(tmp_path / "reports"),
        "staging_path": str(staging(tmp_path / "staging.duckdb", rows)),
    }
    context = CliContext("toy", ToyTarget, config)  # type: ignore[arg-type]
    try:
        code = reconcile.run(context, argparse.Namespace(staging=None, no_crm=True))
    finally:
        context.close()
    document = json.loads((tmp_path / "reports" / "toy-reconcile.json").read_text())
    return code, document


def entities(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["entity"]: e for e in document["cliniko"]}


def test_every_entity_adds_up_and_matches_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run(tmp_path, ADDS_UP, WRITTEN)
    out = capsys.readouterr().out
    found = entities(document)
    assert code == 0
    assert all(e["ok"] for e in found.values())
    (patients,) = found["patients"]["crm"]
    assert patients == {
        "object": "contacts",
        "records": 2,
        "id_map": 2,
        "in_crm": 2,
        "rejected": 0,
        "ok": True,
    }
    # The practitioner who is a CRM user is refused on purpose: it adds up.
    (practitioners,) = found["practitioners"]["crm"]
    assert (practitioners["rejected"], practitioners["ok"]) == (1, True)
    # Only `treatment_note:5` counts for the entity; its part 2 and the overflow do not.
    (notes,) = found["treatment_notes"]["crm"]
    assert (notes["id_map"], notes["in_crm"]) == (1, 1)
    assert found["patients"]["accounted"] == found["patients"]["cliniko_count"] == 3
    assert "Cliniko records: where they went" in out
    assert "patient deleted in Cliniko" in out
    # Publish rows the id map lacks (the refused practitioner) were accounted for by the run.
    contacts = {o["object"]: o for o in document["objects"]}["contacts"]
    assert (contacts["publish_rows"], contacts["id_map"], contacts["ok"]) == (3, 2, False)
    assert "accounted_by_run" not in contacts


def test_pending_intents_fail_even_when_the_run_accounts_for_every_row(tmp_path: Path) -> None:
    # An earlier run sent a create whose answer never came (a crash): it is still unresolved.
    code, document = run(tmp_path, ADDS_UP, WRITTEN, pending=("notes", "treatment_note:7"))
    notes = {o["object"]: o for o in document["objects"]}["notes"]
    assert notes["pending_intents"] == 1
    assert all(e["ok"] for e in entities(document).values())
    assert code == 1


def test_an_unexpected_reject_does_not_add_up(tmp_path: Path) -> None:
    outcomes = [
        o if o[1] != "patient:2" else ("contacts", "patient:2", "rejected") for o in WRITTEN
    ]
    code, document = run(tmp_path, ADDS_UP, outcomes)
    (patients,) = entities(document)["patients"]["crm"]
    assert (patients["in_crm"], patients["rejected"], patients["ok"]) == (1, 1, False)
    assert code == 1


def test_destinations_short_of_the_cliniko_count_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(*row[:1], 4, *row[2:]) if row[0] == "patients" else row for row in ADDS_UP]
    code, document = run(tmp_path, rows, WRITTEN)
    assert entities(document)["patients"]["ok"] is False
    assert "NO: 3 accounted for of 4" in capsys.readouterr().out
    assert code == 1


def test_unaccounted_records_fail_even_when_the_sum_holds(tmp_path: Path) -> None:
    rows = [*ADDS_UP, ("invoices", 1, "unaccounted", None, "in no model", ["invoice"], False, 1)]
    code, document = run(tmp_path, rows, WRITTEN)
    invoices = entities(document)["invoices"]
    assert invoices["accounted"] == invoices["cliniko_count"] == 1
    assert invoices["ok"] is False and code == 1


def test_records_missing_from_the_latest_run_fail(tmp_path: Path) -> None:
    # A run that never received patient:2 (a sample run, a run that stopped): not all present.
    code, document = run(tmp_path, ADDS_UP, [o for o in WRITTEN if o[1] != "patient:2"])
    (patients,) = entities(document)["patients"]["crm"]
    assert (patients["records"], patients["in_crm"], patients["ok"]) == (2, 1, False)
    assert code == 1


def test_without_the_model_only_the_objects_are_reconciled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run(tmp_path, None, WRITTEN)
    assert document["cliniko"] is None
    assert "no audit.audit__toy_reconciliation in the staging file" in capsys.readouterr().out
    # The objects still add up through the run: every publish row written or refused.
    assert code == 0
