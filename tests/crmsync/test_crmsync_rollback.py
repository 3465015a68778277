"""Rollback, CRM-agnostic: children first, restores from `before`, resumable, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmsync import rollback
from crmsync.client import DeleteResult
from crmsync.engine import SyncEngine
from crmsync.errors import ConfigError, RecordRejected
from crmsync.spec import ObjectSpec
from crmsync.store import SQLiteSyncStore
from toy_crm import Crash, ToyCrm

ACCOUNTS = ObjectSpec("accounts", "accounts", 1)
PEOPLE = ObjectSpec("people", "people", 2, references={"account_id": ("accounts",)})
NOTES = ObjectSpec("notes", "notes", 3, references={"parent_id": ("people",)})
SPECS = {s.stream: s for s in (ACCOUNTS, PEOPLE, NOTES)}


class DeletingToy(ToyCrm):
    """The toy CRM with deletes; `die_after` deletes, the process 'dies' (Crash)."""

    def __init__(self) -> None:
        super().__init__()
        self.deleted: list[tuple[str, str]] = []
        self.die_after: int | None = None
        self.refuse: set[str] = set()

    def delete(self, spec: ObjectSpec, crm_id: str) -> None:
        if crm_id in self.refuse:
            raise RecordRejected("HTTP 500: try later", 500)
        if crm_id not in self.records.get(spec.stream, {}):
            raise RecordRejected("not found", 404)
        del self.records[spec.stream][crm_id]
        self.deleted.append((spec.stream, crm_id))
        if self.die_after is not None and len(self.deleted) >= self.die_after:
            raise Crash


class BulkDeletingToy(DeletingToy):
    """Deletes up to 10 records per call, answering per record (a bulk delete API)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def deletes_per_call(self, spec: ObjectSpec, pending: int) -> int:
        return 10

    def delete_batch(self, spec: ObjectSpec, crm_ids: list[str]) -> list[DeleteResult]:
        self.calls.append(list(crm_ids))
        return super().delete_batch(spec, crm_ids)


def migrate(path: Path, crm: ToyCrm, batches: list[tuple[ObjectSpec, list[dict]]]) -> int:
    store = SQLiteSyncStore(path)
    run_id = store.begin_run("migrate")
    engine = SyncEngine(crm, store, run_id, None, {})
    for spec, records in batches:
        engine.process(spec, [dict(r) for r in records], None)
    store.finish_run(run_id, "succeeded", {})
    store.close()
    return run_id


def undo(path: Path, crm: ToyCrm, since: int) -> dict[str, dict[str, int]]:
    store = SQLiteSyncStore(path)
    try:
        the_plan = rollback.plan(store, SPECS, store.runs_to_undo(since, only=False))
        run_id = store.begin_run("rollback")
        return rollback.execute(the_plan, store, crm, SPECS, run_id)
    finally:
        store.close()


def clinic(name: str, notes: int) -> list[tuple[ObjectSpec, list[dict]]]:
    return [
        (ACCOUNTS, [{"_source_id": "business:1", "name": "North"}]),
        (PEOPLE, [{"_source_id": "patient:1", "name": name, "_ref__account_id": "business:1"}]),
        (NOTES, [{"_source_id": f"n:{i}", "text": f"t{i}", "_ref__parent_id": "patient:1"}
                 for i in range(notes)]),
    ]  # fmt: skip


def snapshot(crm: ToyCrm) -> dict:
    return {obj: dict(rows) for obj, rows in crm.records.items()}


def test_plan_deletes_children_before_parents_and_restores_updates(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 1))
    first = snapshot(crm)
    migrate(path, crm, clinic("Anna", 3))
    store = SQLiteSyncStore(path)
    delta = rollback.plan(store, SPECS, store.runs_to_undo(2, only=True))
    assert [(s.action, s.object) for s in delta.steps] == [
        ("delete", "notes"),
        ("delete", "notes"),
        ("restore", "people"),
    ]
    assert delta.steps[-1].before == {"account_id": first["accounts"].popitem()[0], "name": "Ana"}
    everything = rollback.plan(store, SPECS, store.runs_to_undo(1, only=False))
    assert [s.object for s in everything.steps] == ["notes"] * 3 + ["people", "accounts"]
    store.close()


def test_rollback_dies_midway_and_resumes_to_the_same_end(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 4))
    crm.die_after = 2
    with pytest.raises(Crash):
        undo(path, crm, 1)
    assert len(crm.records["notes"]) == 2  # two deleted, recorded; the crash hit the second
    crm.die_after = None
    done = undo(path, crm, 1)
    # The first delete was recorded (skipped now); the one the crash hit was not, and deleting it
    # again answers 404, which counts as deleted.
    assert done["notes"] == {"skipped": 1, "deleted": 3}
    assert done["people"] == done["accounts"] == {"deleted": 1}
    assert all(not rows for rows in crm.records.values())
    assert undo(path, crm, 1) == {"notes": {"skipped": 4}, "people": {"skipped": 1},
                                  "accounts": {"skipped": 1}}  # fmt: skip


def test_a_refused_step_is_recorded_failed_and_retried_next_time(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 1))
    note_id = next(iter(crm.records["notes"]))
    crm.refuse = {note_id}
    assert undo(path, crm, 1)["notes"] == {"failed": 1}
    assert note_id in crm.records["notes"]
    crm.refuse = set()
    assert undo(path, crm, 1)["notes"] == {"deleted": 1}
    store = SQLiteSyncStore(path)
    ops = [(r["operation"], r["outcome"]) for r in store.audit(2) if r["object"] == "notes"]
    assert ops == [("delete", "failed")]
    store.close()


def test_a_restored_record_is_restored_again_after_a_later_change(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 0))
    migrate(path, crm, clinic("Anna", 0))
    assert undo(path, crm, 2)["people"] == {"restored": 1}
    assert undo(path, crm, 2)["people"] == {"skipped": 1}  # twice: nothing to do
    migrate(path, crm, clinic("Hannah", 0))  # the next run rewrites it (hash cleared)
    assert next(iter(crm.records["people"].values()))["name"] == "Hannah"
    assert undo(path, crm, 2)["people"] == {"restored": 1}  # runs 2 and 5: back to run 1
    assert next(iter(crm.records["people"].values()))["name"] == "Ana"


def test_undoing_the_run_after_a_restore_returns_to_the_restored_values(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 0))
    migrate(path, crm, clinic("Anna", 0))
    undo(path, crm, 2)  # run 3: Ana again; the store keeps Ana as what the CRM holds
    migrate(path, crm, clinic("Hannah", 0))  # run 4
    store = SQLiteSyncStore(path)
    try:
        the_plan = rollback.plan(store, SPECS, store.runs_to_undo(4, only=True))
        rollback.execute(the_plan, store, crm, SPECS, store.begin_run("rollback"))
    finally:
        store.close()
    assert next(iter(crm.records["people"].values()))["name"] == "Ana"
    assert crm.reads == []  # every `before` came from the store


def test_deletes_of_one_object_stay_together_for_bulk_calls(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", BulkDeletingToy()
    twin = ObjectSpec("twins", "twins", 3, references={"parent_id": ("people",)})
    specs = {**SPECS, "twins": twin}
    migrate(path, crm, clinic("Ana", 0))
    for n in range(3):  # notes and twins (same load order) arrive interleaved
        migrate(path, crm, [(NOTES, [{"_source_id": f"n:{n}", "text": "t"}]),
                            (twin, [{"_source_id": f"t:{n}", "text": "t"}])])  # fmt: skip
    store = SQLiteSyncStore(path)
    try:
        the_plan = rollback.plan(store, specs, store.runs_to_undo(1, only=False))
    finally:
        store.close()
    assert [s.object for s in the_plan.steps[:6]] == ["notes"] * 3 + ["twins"] * 3


def test_bulk_deletes_record_every_record_on_its_own(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", BulkDeletingToy()
    migrate(path, crm, clinic("Ana", 12))
    ids = sorted(crm.records["notes"])
    crm.refuse = {ids[0]}
    del crm.records["notes"][ids[1]]  # deleted by someone else: 404 counts as deleted
    assert undo(path, crm, 1)["notes"] == {"failed": 1, "deleted": 11}
    assert [len(call) for call in crm.calls] == [10, 2, 1, 1]  # notes, then people, accounts
    store = SQLiteSyncStore(path)
    try:
        rows = [(r["crm_id"], r["outcome"]) for r in store.audit(2) if r["object"] == "notes"]
        assert len(rows) == 12 and (ids[0], "failed") in rows and (ids[1], "deleted") in rows
        assert store.lookup("notes", "n:0") is not None  # the refused one stays mapped
    finally:
        store.close()
    crm.refuse = set()
    assert undo(path, crm, 1)["notes"] == {"deleted": 1, "skipped": 11}


def test_unknown_runs_and_rollbacks_of_rollbacks_are_refused(tmp_path: Path) -> None:
    path, crm = tmp_path / "s.sqlite", DeletingToy()
    migrate(path, crm, clinic("Ana", 0))
    undo(path, crm, 1)
    store = SQLiteSyncStore(path)
    with pytest.raises(ConfigError, match="run 9 is not in the sync store"):
        store.runs_to_undo(9, only=False)
    with pytest.raises(ConfigError, match="itself a rollback"):
        store.runs_to_undo(2, only=False)
    migrate(path, crm, clinic("Ana", 0))
    the_plan = rollback.plan(store, SPECS, store.runs_to_undo(3, only=True))
    with pytest.raises(ConfigError, match="ToyCrm cannot delete records; rollback needs deletes"):
        rollback.execute(the_plan, store, ToyCrm(), SPECS, 4)
    store.close()
