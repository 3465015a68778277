"""Row counts of a staging DuckDB file (read-only), to check what a run actually loaded."""

from __future__ import annotations

from pathlib import Path

import duckdb


def count_rows(database: Path, schema: str = "raw_cliniko") -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        names = con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        ).fetchall()
        # Table names come from the file's own catalog, not from input.
        return sum(
            con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]  # noqa: S608
            for (name,) in names
        )
