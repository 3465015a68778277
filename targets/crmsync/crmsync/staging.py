"""Read-only look at the publish tables in the staging DuckDB file: totals and owners per object."""

from __future__ import annotations

from pathlib import Path

import duckdb

from crmsync.errors import ConfigError
from crmsync.spec import OWNER_EMAIL


class PublishTables:
    """The `publish_<crm>` schema of a staging file, opened read-only for one question at a time."""

    def __init__(self, path: str | Path, schema: str) -> None:
        """Check the file exists; the schema name comes from the CRM target (`publish_<crm>`)."""
        self.path = Path(path)
        self.schema = schema
        if not self.path.is_file():
            raise ConfigError(f"staging_path {self.path.name!r} does not exist")

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:  # locked by a writer, encrypted, newer format ...
            raise ConfigError(
                f"cannot open staging_path {self.path.name!r} read-only ({type(exc).__name__})"
            ) from exc

    def row_counts(self, streams: list[str]) -> dict[str, int | None]:
        """Rows per publish table (None where the table is absent)."""
        with self._connect() as con:
            present = self._tables(con)
            counts: dict[str, int | None] = {}
            for s in streams:
                row = (
                    con.execute(f'select count(*) from "{self.schema}"."{present[s]}"').fetchone()  # noqa: S608
                    if s in present
                    else None
                )
                counts[s] = int(row[0]) if row else None
            return counts

    def owner_emails(self, streams: list[str]) -> dict[str, dict[str, int]]:
        """Records per lower-cased `_owner_email`, per stream that has the column."""
        result: dict[str, dict[str, int]] = {}
        with self._connect() as con:
            present = self._tables(con)
            for stream in streams:
                if stream not in present or OWNER_EMAIL not in self._columns(con, present[stream]):
                    continue
                email = f'lower(trim("{OWNER_EMAIL}"))'
                table = f'"{self.schema}"."{present[stream]}"'
                sql = f"select {email}, count(*) from {table} where {email} <> '' group by 1"  # noqa: S608
                rows = con.execute(sql).fetchall()
                result[stream] = {email: int(n) for email, n in rows}
        return result

    def _tables(self, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
        """Stream → table: dbt names a publish model `<crm>__<stream>` (tap-staging strips it)."""
        prefix = f"{self.schema.removeprefix('publish_')}__"
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [self.schema]
        ).fetchall()
        return {r[0].removeprefix(prefix): r[0] for r in rows}

    def _columns(self, con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
        rows = con.execute(
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_name = ?",
            [self.schema, table],
        ).fetchall()
        return {r[0] for r in rows}
