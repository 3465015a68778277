"""The SQLite sync store: schema, private file modes, run lock, crashed runs, intents."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from crmsync.errors import RunLockedError
from crmsync.store import Outcome, SQLiteSyncStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_store_files_are_private_and_schema_matches_the_architecture(tmp_path: Path) -> None:
    path = tmp_path / "new" / "sync" / "crm.sqlite"
    store = SQLiteSyncStore(path)
    with store.lock():
        run = store.begin_run("migrate")
        store.record(run, Outcome("o", "s:1", "create", "created", "9", payload_hash="h"))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    for sidecar in path.parent.iterdir():
        assert mode(sidecar) == 0o600, sidecar.name
    con = sqlite3.connect(path)
    columns = {
        table: [r[1] for r in con.execute(f"pragma table_info({table})")]
        for table in ("id_map", "runs", "audit_log")
    }
    assert columns["id_map"] == [
        "object",
        "source_id",
        "crm_id",
        "payload_hash",
        "first_run",
        "last_run",
        "payload",  # the fields last sent: the `before` of the next update
    ]
    assert columns["runs"] == ["run_id", "mode", "started", "finished", "status", "counts"]
    assert columns["audit_log"] == [
        "run_id", "seq", "at", "object", "source_id", "crm_id", "operation", "outcome",
        "http_status", "error", "before",
    ]  # fmt: skip


def test_a_second_run_on_the_same_store_stops_with_a_clear_message(tmp_path: Path) -> None:
    first, second = SQLiteSyncStore(tmp_path / "s.sqlite"), SQLiteSyncStore(tmp_path / "s.sqlite")
    with first.lock(), pytest.raises(RunLockedError, match="another run is using the sync store"):
        second.lock().__enter__()
    with second.lock():  # released when the first run ends
        pass


def test_a_run_left_running_by_a_killed_process_is_marked_crashed(tmp_path: Path) -> None:
    store = SQLiteSyncStore(tmp_path / "s.sqlite")
    store.begin_run("migrate")  # never finished: the process died
    with SQLiteSyncStore(tmp_path / "s.sqlite").lock():
        pass
    assert store.runs()[0]["status"] == "crashed"


def test_intent_row_becomes_the_outcome_and_fills_the_id_map_atomically(tmp_path: Path) -> None:
    store = SQLiteSyncStore(tmp_path / "s.sqlite")
    run = store.begin_run("migrate")
    intent = store.open_intent(run, "notes", "n:1")
    assert store.pending_intent("notes", "n:1") == intent
    store.record(run, Outcome("notes", "n:1", "create", "created", "42", payload_hash="h"), intent)
    assert store.pending_intents() == []
    assert store.lookup("notes", "n:1").crm_id == "42"
    assert [r["outcome"] for r in store.audit(run)] == ["created"]
