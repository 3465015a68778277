"""The sync store rows a rollback reads and writes, in SQL over the store's documented schema.

The store's protocol covers what a migration run needs; a rollback also deletes id map rows and
reads whole runs of the audit log, so it opens its own connection to the same file (WAL: the
engine's connection and this one see each other's commits). Each delete/restore is recorded in
the audit log together with its id map change in one transaction: that is what makes a rollback
that failed midway resumable.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crmsync.errors import ConfigError

WRITTEN = ("created", "updated", "recovered")


@dataclass(frozen=True)
class WriteRow:
    """One successful write of a migration run, as the audit log holds it."""

    run_id: int
    seq: int
    object: str
    source_id: str
    crm_id: str | None
    operation: str  # create / update
    outcome: str  # created / updated / recovered
    before: str | None  # JSON of the CRM values the update replaced


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class RollbackLedger:
    """Reads the runs to undo; records each undo step with its id map change."""

    def __init__(self, path: Path) -> None:
        """Open the existing store file (never creates one)."""
        if not path.is_file():
            raise ConfigError(f"no sync store at sync_store_path ({path.name}); nothing to undo")
        self._db = sqlite3.connect(path, isolation_level=None)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def runs_since(self, run_id: int, only: bool) -> list[int]:
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
        return [WriteRow(*r) for r in rows]

    def mapped(self, obj: str, source_id: str) -> str | None:
        """The CRM id the id map holds for a record now."""
        row = self._db.execute(
            "select crm_id from id_map where object = ? and source_id = ?", (obj, source_id)
        ).fetchone()
        return row[0] if row else None

    def object_of(self, candidates: tuple[str, ...], crm_id: str) -> str | None:
        """Which candidate object's id map holds this CRM id (restores re-link references)."""
        for obj in candidates:
            row = self._db.execute(
                "select 1 from id_map where object = ? and crm_id = ? limit 1", (obj, crm_id)
            ).fetchone()
            if row:
                return obj
        return None

    def restored_after(self, obj: str, source_id: str, run_id: int) -> bool:
        """True when a rollback later than `run_id` already restored this record."""
        row = self._db.execute(
            "select 1 from audit_log a join runs r on r.run_id = a.run_id where r.mode = "
            "'rollback' and a.run_id > ? and a.object = ? and a.source_id = ? and a.operation = "
            "'restore' and a.outcome = 'restored' limit 1",
            (run_id, obj, source_id),
        ).fetchone()
        return row is not None

    def deleted(self, run_id: int, obj: str, source_id: str, crm_id: str) -> None:
        """The CRM record is gone: audit row and id map row go together."""
        with self._transaction():
            self._insert(run_id, obj, source_id, crm_id, "delete", "deleted", None)
            self._db.execute(
                "delete from id_map where object = ? and source_id = ? and crm_id = ?",
                (obj, source_id, crm_id),
            )

    def restored(self, run_id: int, obj: str, source_id: str, crm_id: str) -> None:
        """The CRM record holds its `before` values again.

        The id map's hash is cleared (not rolled back: the old one is not kept), so the next run
        compares nothing and writes the current payload as an update, as after a recovery.
        """
        with self._transaction():
            self._insert(run_id, obj, source_id, crm_id, "restore", "restored", None)
            self._db.execute(
                "update id_map set payload_hash = '', last_run = ? where object = ? and "
                "source_id = ?",
                (run_id, obj, source_id),
            )

    def failed(
        self, run_id: int, obj: str, source_id: str, crm_id: str, operation: str, error: str
    ) -> None:
        """An undo step the CRM refused: kept for the operator, retried by the next rollback."""
        with self._transaction():
            self._insert(run_id, obj, source_id, crm_id, operation, "failed", error)

    def _insert(
        self,
        run_id: int,
        obj: str,
        source_id: str,
        crm_id: str,
        operation: str,
        outcome: str,
        error: str | None,
    ) -> None:
        seq = self._db.execute(
            "select coalesce(max(seq), 0) + 1 from audit_log where run_id = ?", (run_id,)
        ).fetchone()[0]
        self._db.execute(
            "insert into audit_log (run_id, seq, at, object, source_id, crm_id, operation, "
            "outcome, http_status, error, before) values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, null)",
            (run_id, seq, _now(), obj, source_id, crm_id, operation, outcome, error),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("begin immediate")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("rollback" if exc_type else "commit")
