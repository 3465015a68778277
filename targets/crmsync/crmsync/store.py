"""The sync store: id map, runs and audit log (with write-ahead intents) behind one interface.

Every query on the store lives here, the ones `crmsync reconcile` and `crmsync rollback` run
included, so another backend means writing one class.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crmsync.errors import ConfigError, RunLockedError
from crmsync.private_files import create_private_file, ensure_private_dir

try:  # POSIX only; elsewhere the lock is the `runs` row alone
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

SCHEMA = """
create table if not exists id_map (
    object text not null,
    source_id text not null,
    crm_id text not null,
    payload_hash text,
    first_run integer not null,
    last_run integer not null,
    payload text,
    primary key (object, source_id)
);
create table if not exists runs (
    run_id integer primary key autoincrement,
    mode text not null,
    started text not null,
    finished text,
    status text not null,
    counts text
);
create table if not exists audit_log (
    run_id integer not null,
    seq integer not null,
    at text not null,
    object text not null,
    source_id text not null,
    crm_id text,
    operation text not null,
    outcome text not null,
    http_status integer,
    error text,
    before text,
    primary key (run_id, seq)
);
create index if not exists audit_log_record on audit_log (object, source_id);
create index if not exists audit_log_pending on audit_log (outcome) where outcome = 'pending';
"""

PENDING = "pending"
# Outcomes of a write that put the record in the CRM (what a rollback undoes).
WRITTEN = ("created", "updated", "recovered")
# Outcomes of a record in one run: in the CRM, or not (with the reason in the audit log).
IN_CRM = ("created", "updated", "unchanged")
NOT_WRITTEN = ("rejected", "pending")


@dataclass(frozen=True)
class MappedRecord:
    """One id_map row."""

    object: str
    source_id: str
    crm_id: str
    payload_hash: str | None


@dataclass(frozen=True)
class Intent:
    """A create announced before sending; still pending = a crash or an unknown outcome."""

    run_id: int
    seq: int
    object: str
    source_id: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one record, as the audit log keeps it."""

    object: str
    source_id: str
    operation: str  # create / update / unchanged / reject / delete / restore
    outcome: str  # created / updated / unchanged / rejected / recovered / not_created ...
    crm_id: str | None = None
    http_status: int | None = None
    error: str | None = None
    before: dict[str, Any] | None = None
    payload_hash: str | None = None  # given for a successful write: the id map keeps it
    # The fields sent (or found unchanged): the `before` of the record's next update.
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class WriteRow:
    """One successful write of a migration run, as the audit log holds it (rollback reads it)."""

    run_id: int
    seq: int
    object: str
    source_id: str
    crm_id: str | None
    operation: str  # create / update
    outcome: str  # created / updated / recovered
    before: dict[str, Any] | None  # the values the update replaced


class SyncStore(Protocol):
    """What the engine and the CLI need from a store; SQLite now, Postgres later."""

    def lock(self) -> contextlib.AbstractContextManager[None]: ...
    def begin_run(self, mode: str) -> int: ...
    def finish_run(self, run_id: int, status: str, counts: dict[str, Any]) -> None: ...
    def lookup(self, obj: str, source_id: str) -> MappedRecord | None: ...
    def last_payload(self, obj: str, source_id: str) -> dict[str, Any] | None: ...
    def find_crm_id(self, objects: tuple[str, ...], source_id: str) -> tuple[str, str] | None: ...
    def last_rejection(
        self, objects: tuple[str, ...], source_id: str, run_id: int
    ) -> str | None: ...
    def is_mapped(self, obj: str, crm_id: str) -> bool: ...
    def open_intent(self, run_id: int, obj: str, source_id: str) -> Intent: ...
    def pending_intent(self, obj: str, source_id: str) -> Intent | None: ...
    def pending_intents(self) -> list[Intent]: ...
    def record(self, run_id: int, outcome: Outcome, intent: Intent | None = None) -> None: ...
    def close_intent(self, intent: Intent, outcome: str, error: str | None = None) -> None: ...
    def count_mapped(self, obj: str) -> int: ...
    def runs(self) -> list[dict[str, Any]]: ...
    def runs_to_undo(self, run_id: int, only: bool) -> list[int]: ...
    def writes(self, run_ids: list[int]) -> list[WriteRow]: ...
    def restored_after(self, obj: str, source_id: str, run_id: int) -> bool: ...
    def record_deleted(self, run_id: int, obj: str, source_id: str, crm_id: str) -> None: ...
    def record_restored(
        self, run_id: int, obj: str, source_id: str, crm_id: str, values: dict[str, Any]
    ) -> None: ...
    def record_undo_failed(
        self, run_id: int, obj: str, source_id: str, crm_id: str, operation: str, error: str
    ) -> None: ...
    def entity_breakdown(self, run_id: int | None) -> dict[tuple[str, str], dict[str, int]]: ...
    def close(self) -> None: ...


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class SQLiteSyncStore:
    """The SQLite store: one file per CRM connection, mode 0600, a POSIX lock file as run lock."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open (creating mode 0600, parent dirs 0700) the store at `path`."""
        self.path = Path(path)
        if not str(path):
            raise ConfigError("sync_store_path is empty")
        ensure_private_dir(self.path.parent)
        create_private_file(self.path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # WAL + NORMAL: a process crash loses nothing committed; -wal/-shm inherit the file's mode.
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        self._db.executescript(SCHEMA)
        self._add_payload_column()
        self._seq: dict[int, int] = {}
        self._lock_file: int | None = None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the run lock; a second run on the same store stops with RunLockedError."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        create_private_file(lock_path)
        fd = os.open(lock_path, os.O_RDWR)
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError as exc:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
                    held = f" (held by PID {holder})" if holder.isdigit() else ""
                    raise RunLockedError(
                        f"another run is using the sync store {self.path.name}{held}; wait for it "
                        "to finish (two runs on one CRM connection would write duplicates)"
                    ) from exc
                # Say who holds it, for the run that finds it taken (the lock is the flock).
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            # The lock is ours: runs still marked running were killed before they could finish.
            self._db.execute(
                "update runs set status = 'crashed', finished = ? where status = 'running'",
                (_now(),),
            )
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def begin_run(self, mode: str) -> int:
        """Start a run and return its id."""
        cur = self._db.execute(
            "insert into runs (mode, started, status) values (?, ?, 'running')", (mode, _now())
        )
        run_id = int(cur.lastrowid or 0)
        self._seq[run_id] = 0
        return run_id

    def finish_run(self, run_id: int, status: str, counts: dict[str, Any]) -> None:
        """Close a run with its status and counts."""
        self._db.execute(
            "update runs set finished = ?, status = ?, counts = ? where run_id = ?",
            (_now(), status, json.dumps(counts, sort_keys=True), run_id),
        )

    def lookup(self, obj: str, source_id: str) -> MappedRecord | None:
        """The id map row of one record."""
        row = self._db.execute(
            "select crm_id, payload_hash from id_map where object = ? and source_id = ?",
            (obj, source_id),
        ).fetchone()
        return MappedRecord(obj, source_id, row[0], row[1]) if row else None

    def last_payload(self, obj: str, source_id: str) -> dict[str, Any] | None:
        """The fields last sent for a record (None: not kept, as for a recovered record)."""
        row = self._db.execute(
            "select payload from id_map where object = ? and source_id = ?", (obj, source_id)
        ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def find_crm_id(self, objects: tuple[str, ...], source_id: str) -> tuple[str, str] | None:
        """(object, crm_id) of the first candidate object whose id map holds `source_id`."""
        for obj in objects:
            found = self.lookup(obj, source_id)
            if found:
                return obj, found.crm_id
        return None

    def is_mapped(self, obj: str, crm_id: str) -> bool:
        """True when some record of `obj` already owns this CRM id."""
        row = self._db.execute(
            "select 1 from id_map where object = ? and crm_id = ? limit 1", (obj, crm_id)
        ).fetchone()
        return row is not None

    def last_rejection(self, objects: tuple[str, ...], source_id: str, run_id: int) -> str | None:
        """Why a record was not written in this run (rejected or outcome unknown), if so."""
        marks = ",".join("?" * len(objects))
        row = self._db.execute(
            f"select error from audit_log where run_id = ? and source_id = ? "  # noqa: S608 (placeholders only)
            f"and object in ({marks}) and outcome in ('rejected', 'pending') and error is not null "
            "order by seq desc limit 1",
            (run_id, source_id, *objects),
        ).fetchone()
        return row[0] if row else None

    def open_intent(self, run_id: int, obj: str, source_id: str) -> Intent:
        """Write (and commit) the intent to create before the create is sent."""
        seq = self._insert(run_id, Outcome(obj, source_id, "create", PENDING))
        return Intent(run_id, seq, obj, source_id)

    def pending_intent(self, obj: str, source_id: str) -> Intent | None:
        """The oldest unresolved intent for one record."""
        row = self._db.execute(
            "select run_id, seq from audit_log where outcome = 'pending' and object = ? "
            "and source_id = ? order by run_id, seq limit 1",
            (obj, source_id),
        ).fetchone()
        return Intent(row[0], row[1], obj, source_id) if row else None

    def pending_intents(self) -> list[Intent]:
        """Every unresolved intent (for reports)."""
        rows = self._db.execute(
            "select run_id, seq, object, source_id from audit_log where outcome = 'pending'"
        ).fetchall()
        return [Intent(*row) for row in rows]

    def record(self, run_id: int, outcome: Outcome, intent: Intent | None = None) -> None:
        """Record one outcome; a success also updates the id map; both in one transaction.

        With `intent`, the intent row itself becomes the outcome (it is the record's audit row).
        """
        with self._transaction():
            if intent is not None:
                self._db.execute(
                    "update audit_log set at = ?, crm_id = ?, outcome = ?, http_status = ?, "
                    "error = ?, before = ? where run_id = ? and seq = ?",
                    (
                        _now(),
                        outcome.crm_id,
                        outcome.outcome,
                        outcome.http_status,
                        outcome.error,
                        _json_or_none(outcome.before),
                        intent.run_id,
                        intent.seq,
                    ),
                )
            else:
                self._insert(run_id, outcome)
            if outcome.crm_id and outcome.payload_hash is not None:
                self._db.execute(
                    "insert into id_map (object, source_id, crm_id, payload_hash, payload, "
                    "first_run, last_run) values (?, ?, ?, ?, ?, ?, ?) on conflict (object, "
                    "source_id) do update set crm_id = excluded.crm_id, payload_hash = "
                    "excluded.payload_hash, payload = coalesce(excluded.payload, id_map.payload), "
                    "last_run = excluded.last_run",
                    (
                        outcome.object,
                        outcome.source_id,
                        outcome.crm_id,
                        outcome.payload_hash,
                        _json_or_none(outcome.payload),
                        run_id,
                        run_id,
                    ),
                )

    def close_intent(self, intent: Intent, outcome: str, error: str | None = None) -> None:
        """Resolve an old intent without a write (found in the CRM, or proven never created)."""
        self._db.execute(
            "update audit_log set outcome = ?, error = ? where run_id = ? and seq = ?",
            (outcome, error, intent.run_id, intent.seq),
        )

    def count_mapped(self, obj: str) -> int:
        """Records of one object the id map holds."""
        return int(
            self._db.execute("select count(*) from id_map where object = ?", (obj,)).fetchone()[0]
        )

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first."""
        rows = self._db.execute(
            "select run_id, mode, started, finished, status, counts from runs order by run_id desc"
        ).fetchall()
        keys = ("run_id", "mode", "started", "finished", "status", "counts")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def audit(self, run_id: int) -> list[dict[str, Any]]:
        """The audit rows of one run, in order."""
        cur = self._db.execute("select * from audit_log where run_id = ? order by seq", (run_id,))
        keys = [d[0] for d in cur.description]
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]

    # Rollback: the runs to undo, their writes, and each undo step with its id map change.

    def runs_to_undo(self, run_id: int, only: bool) -> list[int]:
        """Migration runs to undo: `run_id` alone, or it and every later one (never rollbacks)."""
        row = self._db.execute("select mode from runs where run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise ConfigError(f"run {run_id} is not in the sync store (see `crmsync runs`)")
        if row[0] == "rollback":
            raise ConfigError(f"run {run_id} is itself a rollback; roll back the runs it undid")
        op = "=" if only else ">="
        rows = self._db.execute(
            f"select run_id from runs where run_id {op} ? and mode <> 'rollback' order by run_id",  # noqa: S608 (operator from a literal)
            (run_id,),
        ).fetchall()
        return [r[0] for r in rows]

    def writes(self, run_ids: list[int]) -> list[WriteRow]:
        """Every create/update those runs made, in the order they happened."""
        marks = ",".join("?" * len(run_ids))
        rows = self._db.execute(
            "select run_id, seq, object, source_id, crm_id, operation, outcome, before "  # noqa: S608 (placeholders only)
            f"from audit_log where run_id in ({marks}) and operation in ('create', 'update') "
            f"and outcome in ({','.join('?' * len(WRITTEN))}) order by run_id, seq",
            (*run_ids, *WRITTEN),
        ).fetchall()
        return [
            WriteRow(run, seq, obj, source_id, crm_id, op, outcome, json.loads(b) if b else None)
            for run, seq, obj, source_id, crm_id, op, outcome, b in rows
        ]

    def restored_after(self, obj: str, source_id: str, run_id: int) -> bool:
        """True when a rollback later than `run_id` already restored this record."""
        row = self._db.execute(
            "select 1 from audit_log a join runs r on r.run_id = a.run_id where r.mode = "
            "'rollback' and a.run_id > ? and a.object = ? and a.source_id = ? and a.operation = "
            "'restore' and a.outcome = 'restored' limit 1",
            (run_id, obj, source_id),
        ).fetchone()
        return row is not None

    def record_deleted(self, run_id: int, obj: str, source_id: str, crm_id: str) -> None:
        """The CRM record is gone: its audit row and the id map row go in one transaction."""
        with self._transaction():
            self._insert(run_id, Outcome(obj, source_id, "delete", "deleted", crm_id))
            self._db.execute(
                "delete from id_map where object = ? and source_id = ? and crm_id = ?",
                (obj, source_id, crm_id),
            )

    def record_restored(
        self, run_id: int, obj: str, source_id: str, crm_id: str, values: dict[str, Any]
    ) -> None:
        """The CRM record holds `values` again (its `before`).

        The hash is cleared, so the next run writes the current payload as an update; the kept
        payload takes the restored values, so that update's `before` is what the CRM holds.
        """
        with self._transaction():
            self._insert(run_id, Outcome(obj, source_id, "restore", "restored", crm_id))
            payload = {**(self.last_payload(obj, source_id) or {}), **values}
            self._db.execute(
                "update id_map set payload_hash = '', payload = ?, last_run = ? where object = ? "
                "and source_id = ?",
                (_json_or_none(payload), run_id, obj, source_id),
            )

    def record_undo_failed(
        self, run_id: int, obj: str, source_id: str, crm_id: str, operation: str, error: str
    ) -> None:
        """An undo step the CRM refused: kept for the operator, retried by the next rollback."""
        with self._transaction():
            self._insert(run_id, Outcome(obj, source_id, operation, "failed", crm_id, error=error))

    # Reconciliation.

    def entity_breakdown(self, run_id: int | None) -> dict[tuple[str, str], dict[str, int]]:
        """(object, `_source_id` prefix) → id map rows, and records in CRM / rejected in the run.

        Only record-level ids (`<entity>:<id>`) count: derived records such as note parts
        (`treatment_note:1:part2`) and overflow notes (`patient:1:allergies_overflow`) are not
        Cliniko records. Aggregated in SQLite, so a large store costs one scan.
        """
        prefix = "substr(source_id, 1, instr(source_id, ':') - 1)"
        record_level = "instr(substr(source_id, instr(source_id, ':') + 1), ':') = 0"
        result: dict[tuple[str, str], dict[str, int]] = {}
        id_map = self._db.execute(
            f"select object, {prefix}, count(*) from id_map where {record_level} group by 1, 2"  # noqa: S608
        ).fetchall()
        for obj, entity, n in id_map:
            result.setdefault((obj, entity), {})["id_map"] = n
        if run_id is None:
            return result
        outcomes = self._db.execute(
            f"select object, {prefix}, outcome, count(distinct source_id) from audit_log "  # noqa: S608
            f"where run_id = ? and {record_level} group by 1, 2, 3",
            (run_id,),
        ).fetchall()
        for obj, entity, outcome, n in outcomes:
            if outcome in IN_CRM or outcome in NOT_WRITTEN:
                key = "in_crm" if outcome in IN_CRM else "rejected"
                counts = result.setdefault((obj, entity), {})
                counts[key] = counts.get(key, 0) + n
        return result

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def _add_payload_column(self) -> None:
        # Stores written before the payload was kept: add the column (rows read as None).
        columns = {row[1] for row in self._db.execute("pragma table_info(id_map)")}
        if "payload" not in columns:
            self._db.execute("alter table id_map add column payload text")

    def _insert(self, run_id: int, outcome: Outcome) -> int:
        seq = self._seq.get(run_id)
        if seq is None:
            row = self._db.execute(
                "select coalesce(max(seq), 0) from audit_log where run_id = ?", (run_id,)
            ).fetchone()
            seq = int(row[0])
        seq += 1
        self._seq[run_id] = seq
        self._db.execute(
            "insert into audit_log (run_id, seq, at, object, source_id, crm_id, operation, "
            "outcome, http_status, error, before) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                seq,
                _now(),
                outcome.object,
                outcome.source_id,
                outcome.crm_id,
                outcome.operation,
                outcome.outcome,
                outcome.http_status,
                outcome.error,
                _json_or_none(outcome.before),
            ),
        )
        return seq

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("begin immediate")
        try:
            yield
        except BaseException:
            self._db.execute("rollback")
            raise
        self._db.execute("commit")


def _json_or_none(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def open_store(path: str | os.PathLike[str]) -> SQLiteSyncStore:
    """Open the store a setting names (a URL scheme can pick another backend later)."""
    return SQLiteSyncStore(path)
