"""The clinic on disk: one SQLite table per stream, record JSON plus indexed filter columns."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from clinic_sandbox.catalog import ARR, BOOL, HIDE_FIELDS, ID, INT, STREAMS, StreamSpec

# SQL here interpolates only table and column names from the fixed catalog; values are bound.
# Stored JSON writes links as "__BASE__/patients/1"; the server swaps in its absolute /v1 URL.
BASE = "__BASE__"
DB_NAME = "clinic.sqlite"

_SQL_TYPES = {ID: "INTEGER", INT: "INTEGER", BOOL: "INTEGER"}
# Columns worth an index: what a tap sorts and pages on, and the usual parent filters.
_INDEXED = ("updated_at", "created_at", "patient_id", "practitioner_id", "invoice_id")


def link(stream: str, record_id: int | str) -> dict[str, Any]:
    """A Cliniko to-one link object pointing at a record."""
    return {"links": {"self": f"{BASE}/{stream}/{record_id}"}}


def link_id(value: Any) -> int | None:
    """The id at the end of a link object's URL, or None for an absent link."""
    if not value:
        return None
    url = value["links"]["self"]
    tail = url.rsplit("/", 1)[1]
    return int(tail) if tail.isdigit() else None


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(record: Any) -> str:
    """Compact JSON, unicode kept as is (names in many scripts)."""
    return _ENCODER.encode(record)


_COLUMNS = {name: sorted(spec.filters.items()) for name, spec in STREAMS.items()}


def columns(spec: StreamSpec) -> list[tuple[str, str]]:
    """The filter columns of a stream's table, in a fixed order, with their filter type."""
    return _COLUMNS[spec.name]


def column_value(spec: StreamSpec, record: dict[str, Any], column: str, kind: str) -> Any:
    """The value a filter column holds for a record (ids from links, booleans as 0/1)."""
    if column in spec.link_aliases:
        for key in spec.link_aliases[column]:
            found = link_id(record.get(key))
            if found is not None:
                return found
        return None
    if column in record:
        value = record[column]
        if value is None:
            return None
        if kind == ID:
            return int(value)
        if kind == BOOL:
            return int(bool(value))
        if kind == ARR:
            return "," + ",".join(str(v) for v in value) + "," if value else None
        return value
    if column.endswith("_id"):
        return link_id(record.get(column[:-3]))
    return None


def row_values(spec: StreamSpec, record: dict[str, Any]) -> list[Any]:
    """The full row (filter columns then body JSON) for one record."""
    values = [column_value(spec, record, col, kind) for col, kind in columns(spec)]
    values.append(dumps(record))
    return values


def _casefold(value: Any) -> Any:
    """Unicode-aware case folding for SQL (Cliniko's contains/like match any case, any script)."""
    return value.casefold() if isinstance(value, str) else value


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (clinic data is sensitive)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)


class ClinicStore:
    """Read and write access to one generated clinic file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # One connection, used from the event loop thread only; reads are short indexed queries.
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.db.create_function("casefold", 1, _casefold, deterministic=True)

    @classmethod
    def create(cls, path: Path) -> ClinicStore:
        """A new empty clinic file (mode 0600) with every table, tuned for bulk loading."""
        create_private_file(path)
        store = cls(path)
        store.db.execute("PRAGMA journal_mode = OFF")
        store.db.execute("PRAGMA synchronous = OFF")
        for spec in STREAMS.values():
            parts = [] if spec.has_id else ['"_row" INTEGER PRIMARY KEY']
            for col, kind in columns(spec):
                key = " PRIMARY KEY" if col == "id" else ""
                parts.append(f'"{col}" {_SQL_TYPES.get(kind, "TEXT")}{key}')
            parts.append("body TEXT NOT NULL")
            store.db.execute(f'CREATE TABLE "{spec.name}" ({", ".join(parts)})')
        store.db.execute("CREATE TABLE singletons (name TEXT PRIMARY KEY, body TEXT NOT NULL)")
        store.db.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, content BLOB NOT NULL)")
        store.db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        store.db.execute("BEGIN")
        return store

    def finish_loading(self) -> None:
        """Commit the bulk load, build the indexes and switch to safe journaling."""
        self.db.execute("COMMIT")
        for spec in STREAMS.values():
            if spec.hidden:
                # Counting the default (visible) rows then reads this index, not the bodies.
                hidden = ", ".join(f'"{f}"' for f in spec.hidden)
                self.db.execute(f'CREATE INDEX "ix_{spec.name}_hidden" ON "{spec.name}" ({hidden})')
            for col in _INDEXED:
                if col in spec.filters:
                    self.db.execute(
                        f'CREATE INDEX "ix_{spec.name}_{col}" ON "{spec.name}" ("{col}", id)'
                    )
        self.db.execute("PRAGMA journal_mode = DELETE")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("ANALYZE")

    def insert_many(self, stream: str, records: Iterable[dict[str, Any]]) -> None:
        """Append records to a stream's table."""
        spec = STREAMS[stream]
        names = [c for c, _ in columns(spec)] + ["body"]
        marks = ", ".join("?" for _ in names)
        quoted = ", ".join(f'"{n}"' for n in names)
        self.db.executemany(
            f'INSERT INTO "{stream}" ({quoted}) VALUES ({marks})',  # noqa: S608
            (row_values(spec, r) for r in records),
        )

    def replace(self, stream: str, record: dict[str, Any]) -> None:
        """Write one record back after a change (same id)."""
        spec = STREAMS[stream]
        names = [c for c, _ in columns(spec)] + ["body"]
        assigns = ", ".join(f'"{n}" = ?' for n in names)
        self.db.execute(
            f'UPDATE "{stream}" SET {assigns} WHERE id = ?',  # noqa: S608
            [*row_values(spec, record), int(record["id"])],
        )

    def put_singleton(self, name: str, record: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO singletons VALUES (?, ?)", (name, dumps(record)))

    def singleton(self, name: str) -> str | None:
        row = self.db.execute("SELECT body FROM singletons WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def put_blob(self, blob_id: int, content: bytes) -> None:
        self.db.execute("INSERT INTO blobs VALUES (?, ?)", (blob_id, content))

    def blob(self, blob_id: int) -> bytes | None:
        row = self.db.execute("SELECT content FROM blobs WHERE id = ?", (blob_id,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def meta(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def get(self, stream: str, record_id: int) -> dict[str, Any] | None:
        row = self.db.execute(f'SELECT body FROM "{stream}" WHERE id = ?', (record_id,)).fetchone()  # noqa: S608
        return json.loads(row[0]) if row else None

    def records(self, stream: str) -> Iterator[dict[str, Any]]:
        """Every record of a stream in id order (tests and tools; streams from disk)."""
        order = "id" if STREAMS[stream].has_id else "_row"
        for (body,) in self.db.execute(f'SELECT body FROM "{stream}" ORDER BY {order}'):  # noqa: S608
            yield json.loads(body)

    def count_rows(self, stream: str) -> dict[str, int]:
        """Exact counts: total, default-visible, and rows with each hidden timestamp set."""
        spec = STREAMS[stream]
        total = self.db.execute(f'SELECT count(*) FROM "{stream}"').fetchone()[0]  # noqa: S608
        counts = {"total": total}
        visible = " AND ".join(f'"{f}" IS NULL' for f in spec.hidden) or "1"
        if stream == "practitioners":
            visible = "active = 1"
        counts["visible"] = self.db.execute(
            f'SELECT count(*) FROM "{stream}" WHERE {visible}'  # noqa: S608
        ).fetchone()[0]
        for f in HIDE_FIELDS:
            if f in spec.hidden:
                counts[f.removesuffix("_at")] = self.db.execute(
                    f'SELECT count(*) FROM "{stream}" WHERE "{f}" IS NOT NULL'  # noqa: S608
                ).fetchone()[0]
        counts["hidden"] = total - counts["visible"]
        if stream == "practitioners":
            counts["inactive"] = counts["hidden"]
        return counts

    def close(self) -> None:
        self.db.close()
