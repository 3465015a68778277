"""The shared algorithm, CRM-agnostic: references, owners, hashes, rejects, intents, invariant."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from crmsync.counts import ObjectCounts
from crmsync.engine import SyncEngine
from crmsync.owners import OwnerResolver
from crmsync.progress import Progress
from crmsync.ratelimit import RateLimiter, Window
from crmsync.spec import ObjectSpec
from crmsync.store import SQLiteSyncStore
from crmsync.validation import RecordValidator
from toy_crm import Crash, ToyCrm

ACCOUNTS = ObjectSpec("accounts", "accounts", 1)
PEOPLE = ObjectSpec(
    "people",
    "people",
    2,
    references={"account_id": ("accounts",)},
    owner_field="owner_id",
    write_only_if_owner_unmatched=("practitioner:",),
)
LEADS = ObjectSpec("leads", "leads", 2, external_id="key", upsert=True)
NOTES = ObjectSpec("notes", "notes", 3, references={"parent_id": ("people", "leads")})


class Harness:
    """One store and one toy CRM; each `run()` is a run of the engine."""

    def __init__(
        self, tmp_path: Path, fallback: str | None = None, capture_before: bool = False
    ) -> None:
        self.path = tmp_path / "store.sqlite"
        self.crm = ToyCrm()
        self.fallback = fallback
        self.capture_before = capture_before

    def run(self, batches: list[tuple[ObjectSpec, list[dict]]]) -> dict[str, ObjectCounts]:
        store = SQLiteSyncStore(self.path)
        counts: dict[str, ObjectCounts] = {}
        owners = OwnerResolver(self.crm.list_users(), self.fallback)
        run_id = store.begin_run("migrate")
        engine = SyncEngine(self.crm, store, run_id, owners, counts, self.capture_before)
        self.owners = owners
        try:
            for spec, records in batches:
                engine.process(spec, [dict(r) for r in records], None)
        finally:
            self.store = store
        return counts


def graph() -> list[tuple[ObjectSpec, list[dict]]]:
    return [
        (ACCOUNTS, [{"_source_id": "business:1", "name": "North"}]),
        (
            PEOPLE,
            [
                {"_source_id": "patient:1", "name": "A", "_ref__account_id": "business:1"},
                {"_source_id": "patient:2", "name": "B", "_owner_email": "ana@clinic.test"},
            ],
        ),
        (LEADS, [{"_source_id": "patient:3", "name": "C"}]),
        (
            NOTES,
            [
                {"_source_id": "note:1", "text": "x", "_ref__parent_id": "patient:1"},
                {"_source_id": "note:2", "text": "y", "_ref__parent_id": "patient:3"},
            ],
        ),
    ]


def test_children_carry_parent_ids_from_either_candidate_stream(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    counts = h.run(graph())
    assert all(c.balanced for c in counts.values())
    person_id = next(k for k, r in h.crm.records["people"].items() if r["_key"] == "patient:1")
    lead_id = next(iter(h.crm.records["leads"]))
    account_id = next(iter(h.crm.records["accounts"]))
    parents = {r["_key"]: r["parent_id"] for r in h.crm.records["notes"].values()}
    assert parents == {"note:1": person_id, "note:2": lead_id}
    assert h.crm.records["people"][person_id]["account_id"] == account_id


def test_second_run_with_same_input_is_all_unchanged_and_writes_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(graph())
    writes = h.crm.writes
    counts = h.run(graph())
    assert h.crm.writes == writes
    for c in counts.values():
        assert c.unchanged == c.received and c.balanced


def test_changed_payload_is_an_update_with_before_values(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(graph())
    batches = graph()
    batches[0] = (ACCOUNTS, [{"_source_id": "business:1", "name": "North renamed"}])
    counts = h.run(batches)
    assert counts["accounts"].updated == 1
    row = next(r for r in h.store.audit(2) if r["object"] == "accounts")
    assert row["operation"] == "update"
    assert json.loads(row["before"]) == {"name": "North"}
    assert h.crm.reads == []  # the `before` is the payload the store kept: no CRM read


def test_only_fields_the_last_payload_lacks_are_read_from_the_crm(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(graph())
    h.crm.records["accounts"][next(iter(h.crm.records["accounts"]))]["phone"] = "+61 2 1234"
    batches = graph()
    batches[0] = (ACCOUNTS, [{"_source_id": "business:1", "name": "North", "phone": "+61 3"}])
    h.run(batches)
    assert h.crm.reads == [["phone"]]  # a column the models did not send before
    row = next(r for r in h.store.audit(2) if r["object"] == "accounts")
    assert json.loads(row["before"]) == {"name": "North", "phone": "+61 2 1234"}


def test_capture_before_reads_every_field_so_crm_edits_are_restored_too(tmp_path: Path) -> None:
    h = Harness(tmp_path, capture_before=True)
    h.run(graph())
    account_id = next(iter(h.crm.records["accounts"]))
    h.crm.records["accounts"][account_id]["name"] = "North (edited in the CRM)"
    batches = graph()
    batches[0] = (ACCOUNTS, [{"_source_id": "business:1", "name": "North renamed"}])
    h.run(batches)
    assert h.crm.reads == [["name"]]
    row = next(r for r in h.store.audit(2) if r["object"] == "accounts")
    assert json.loads(row["before"]) == {"name": "North (edited in the CRM)"}


def test_a_store_from_before_payloads_were_kept_reads_the_crm_once(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(graph())
    h.store.close()
    with sqlite3.connect(h.path) as db:  # as a store written by an earlier version
        db.execute("alter table id_map drop column payload")
    batches = graph()
    batches[0] = (ACCOUNTS, [{"_source_id": "business:1", "name": "North renamed"}])
    h.run(batches)  # the column comes back; records without a payload are read
    assert h.crm.reads == [["name"]]
    assert h.store.last_payload("accounts", "business:1") == {"name": "North renamed"}
    assert h.store.last_payload("people", "patient:2") is not None  # unchanged: kept now


def test_child_of_rejected_parent_is_rejected_with_the_parents_reason(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.crm.reject_when["patient:1"] = "Last name can't be blank"
    counts = h.run(graph())
    assert counts["people"].reasons == {"Last name can't be blank": 1}
    assert counts["notes"].rejected == 1
    (reason,) = counts["notes"].reasons
    assert reason == "parent not written: Last name can't be blank"
    assert {r["_key"] for r in h.crm.records["notes"].values()} == {"note:2"}


def test_child_whose_parent_never_arrived_is_rejected_not_sent(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    counts = h.run([(NOTES, [{"_source_id": "note:9", "_ref__parent_id": "patient:404"}])])
    assert counts["notes"].reasons == {
        "parent not written: patient:404 is in none of people, leads": 1
    }
    assert "notes" not in h.crm.records


def test_owner_email_matches_case_insensitively_and_falls_back(tmp_path: Path) -> None:
    h = Harness(tmp_path, fallback="BOSS@clinic.test")
    h.run(
        [
            (
                PEOPLE,
                [
                    {"_source_id": "patient:1", "_owner_email": "ANA@clinic.TEST"},
                    {"_source_id": "patient:2", "_owner_email": "gone@clinic.test"},
                ],
            )
        ]
    )
    owners = {r["_key"]: r.get("owner_id") for r in h.crm.records["people"].values()}
    assert owners == {"patient:1": "u1", "patient:2": "u2"}
    assert h.owners.summary()["unmatched"] == {"gone@clinic.test": 1}


def test_practitioner_who_is_a_user_is_not_written_as_a_contact(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    counts = h.run(
        [
            (
                PEOPLE,
                [
                    {"_source_id": "practitioner:1", "_owner_email": "ana@clinic.test"},
                    {"_source_id": "practitioner:2", "_owner_email": "locum@clinic.test"},
                    {"_source_id": "patient:1", "_owner_email": "ana@clinic.test"},
                ],
            )
        ]
    )
    assert {r["_key"] for r in h.crm.records["people"].values()} == {"practitioner:2", "patient:1"}
    assert counts["people"].rejected == 1 and counts["people"].balanced


def test_invalid_record_is_rejected_with_a_reason_that_quotes_no_value(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 3}, "kind": {"enum": ["a", "b"]}},
        "required": ["name"],
    }
    store = SQLiteSyncStore(tmp_path / "v.sqlite")
    counts: dict[str, ObjectCounts] = {}
    engine = SyncEngine(h.crm, store, store.begin_run("migrate"), None, counts)
    records = [
        {"_source_id": "a:1", "name": "Secretname"},
        {"_source_id": "a:2", "name": "ok", "kind": "zzz-secret"},
        {"_source_id": "a:3"},
        {"_source_id": "a:4", "name": "ok"},
    ]
    engine.process(ACCOUNTS, records, RecordValidator(schema))
    assert counts["accounts"].created == 1 and counts["accounts"].rejected == 3
    reasons = " ".join(counts["accounts"].reasons)
    assert "name is longer than 3 characters" in reasons
    assert "kind is not one of the allowed values" in reasons
    assert "required field name is missing" in reasons
    assert "ecret" not in reasons
    assert "accounts" not in h.crm.records or len(h.crm.records["accounts"]) == 1


def test_duplicate_source_id_in_one_batch_writes_once(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    counts = h.run([(ACCOUNTS, [{"_source_id": "b:1", "v": 1}, {"_source_id": "b:1", "v": 2}])])
    assert [r["v"] for r in h.crm.records["accounts"].values()] == [2]
    assert counts["accounts"].balanced and counts["accounts"].rejected == 1


@pytest.mark.parametrize("lookup_supported", [True, False])
def test_crash_after_create_then_rerun_leaves_no_duplicate(
    tmp_path: Path, lookup_supported: bool
) -> None:
    h = Harness(tmp_path)
    h.run([(ACCOUNTS, [{"_source_id": "business:1", "name": "N"}])])
    h.crm.crash_after_write = True
    with pytest.raises(Crash):
        h.run([(NOTES, [{"_source_id": "note:1", "text": "x", "_ref__parent_id": None}])])
    assert [i.source_id for i in h.store.pending_intents()] == ["note:1"]
    h.crm.crash_after_write = False
    h.crm.lookup_supported = lookup_supported
    counts = h.run([(NOTES, [{"_source_id": "note:1", "text": "x", "_ref__parent_id": None}])])
    keys = [r["_key"] for r in h.crm.records["notes"].values()]
    assert h.store.pending_intents() == []
    assert counts["notes"].balanced
    if lookup_supported:
        assert keys == ["note:1"]  # found by lookup and adopted: no duplicate
    else:
        assert keys == ["note:1", "note:1"]  # no lookup: resent, and the audit says so
        outcomes = [r["outcome"] for r in h.store.audit(2)]
        assert outcomes == ["unverified"]


def test_crash_during_upsert_is_resent_as_upsert_without_lookup(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.crm.crash_after_write = True
    with pytest.raises(Crash):
        h.run([(LEADS, [{"_source_id": "patient:3", "name": "C"}])])
    h.crm.crash_after_write = False
    counts = h.run([(LEADS, [{"_source_id": "patient:3", "name": "C"}])])
    assert len(h.crm.records["leads"]) == 1
    assert h.crm.lookups == 0
    assert counts["leads"].updated == 1


def test_progress_eta_follows_the_tightest_window(tmp_path: Path) -> None:
    crm = ToyCrm()
    crm.runner.limiter = RateLimiter([Window(3600, 1000), Window(60, 400)])
    counts = {"accounts": ObjectCounts(received=500)}
    progress = Progress(crm, {"accounts": ACCOUNTS}, counts, {"accounts": 2500, "notes": None})
    # 2,000 records still to come at one call each and 1,000 calls an hour: two hours.
    assert progress.eta_seconds() == 7200.0
    assert Progress(crm, {}, counts, {}).eta_seconds() is None


def test_recovery_never_adopts_a_record_another_source_already_owns(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run([(NOTES, [{"_source_id": "note:1", "text": "same", "_ref__parent_id": None}])])
    h.crm.crash_after_write = True
    with pytest.raises(Crash):
        h.run([(NOTES, [{"_source_id": "note:2", "text": "same", "_ref__parent_id": None}])])
    h.crm.crash_after_write = False
    h.run([(NOTES, [{"_source_id": "note:2", "text": "same", "_ref__parent_id": None}])])
    # note:2's own record (created before the crash) is adopted, not note:1's twin.
    assert len(h.crm.records["notes"]) == 2
    mapped = {h.store.lookup("notes", s).crm_id for s in ("note:1", "note:2")}
    assert len(mapped) == 2
