"""What the diff compares against: publish rows by `_source_id`, and the id map (read-only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crmsync.errors import ConfigError
from crmsync.staging import PublishTables


class PublishRows(PublishTables):
    """The publish tables, row by row: the values tap-staging sent for each record."""

    def rows(self, stream: str, source_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`_source_id` → the row, for the ids asked (absent rows are left out)."""
        wanted = list(source_ids)
        with self._connect() as con:
            table = self._tables(con).get(stream)
            if table is None or not wanted:
                return {}
            cur = con.execute(
                f'select * from "{self.schema}"."{table}" where list_contains(?, _source_id)',  # noqa: S608 (names from information_schema)
                [wanted],
            )
            columns = [d[0] for d in cur.description]
            return {row[columns.index("_source_id")]: dict(zip(columns, row, strict=True))
                    for row in cur.fetchall()}  # fmt: skip


class IdMap:
    """The sync store's id map, opened read-only (a diff never changes the store)."""

    def __init__(self, path: Path) -> None:
        """Open the existing store file."""
        if not path.is_file():
            raise ConfigError(
                f"no sync store at sync_store_path ({path.name}); run the target first"
            )
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def records(self, obj: str, run_id: int | None = None) -> list[tuple[str, str]]:
        """(source id, CRM id) of the object's mapped records; with `run_id`, those it wrote."""
        if run_id is None:
            sql, args = "select source_id, crm_id from id_map where object = ?", (obj,)
        else:
            sql = (
                "select m.source_id, m.crm_id from id_map m where m.object = ? and exists ("
                "select 1 from audit_log a where a.run_id = ? and a.object = m.object and "
                "a.source_id = m.source_id and a.outcome in ('created', 'updated', 'recovered'))"
            )
            args = (obj, run_id)  # type: ignore[assignment]
        return [(r[0], r[1]) for r in self._db.execute(sql + " order by source_id", args)]

    def crm_id(self, candidates: tuple[str, ...], source_id: str) -> str | None:
        """The CRM id of a referenced record, from the first candidate object that holds it."""
        for obj in candidates:
            row = self._db.execute(
                "select crm_id from id_map where object = ? and source_id = ?", (obj, source_id)
            ).fetchone()
            if row:
                return row[0]
        return None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
