"""Write one batch into its staging table in one transaction: evolve the table, then merge."""

from __future__ import annotations

import contextlib
import logging
import typing as t

import duckdb

from cliniko_staging import sql_text
from cliniko_staging.arrow_batch import ArrowBatch
from cliniko_staging.column_types import TEMPORAL, VARCHAR, accepts, normalize, widened

logger = logging.getLogger(__name__)


class TableLoader:
    """Loads batches of one stream into ``<schema>.<stream>``."""

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, schema: str, stream: str, keys: t.Sequence[str]
    ) -> None:
        """Remember where batches go.

        Args:
            connection: The open staging file.
            schema: Target schema (``raw_cliniko``).
            stream: Stream name, used as the table name.
            keys: The stream's primary key; empty means append.
        """
        self.connection = connection
        self.schema = schema
        self.stream = stream
        self.keys = list(keys)
        self.table = f"{sql_text.quote(schema)}.{sql_text.quote(stream)}"
        # The table's catalog columns as last read. Only this loader changes its table while the
        # run holds the file, so the copy stays true until its own DDL (or a rollback) drops it;
        # a batch that changes nothing then costs no catalog query.
        self._catalog: list[tuple[str, str]] | None = None
        # Whether the table holds no rows (None: not looked yet). Into an empty table the merge
        # inserts every batch row, so a plain INSERT of the batch does the same work for less.
        self._empty: bool | None = None

    def ensure_table(self, column_types: t.Mapping[str, str]) -> None:
        """Create the table, or add and widen its columns, for the declared types; commit.

        Args:
            column_types: Declared DuckDB type per column.
        """
        with self._transaction():
            self._evolve_table(column_types)

    def load(self, batch: ArrowBatch, batched_at: str) -> None:
        """Commit the batch: create or widen the table, then merge (or append) the rows.

        Args:
            batch: The records as Arrow, with each column's type.
            batched_at: ISO timestamp stored in ``_sdc_batched_at``.
        """
        connection = self.connection
        with self._transaction():
            connection.register("incoming", batch.table)
            try:
                self._load_registered(batch, batched_at)
            finally:
                connection.unregister("incoming")

    def _load_registered(self, batch: ArrowBatch, batched_at: str) -> None:
        batch_types = self._parse_check(dict(batch.column_types))
        for name in batch.misfits:
            logger.warning(
                "Stream '%s': values of field '%s' do not fit its declared type; the column "
                "stores them as text",
                self.stream,
                name,
            )
        table_types = self._evolve_table(batch_types)
        source = sql_text.source_select(batch_types, table_types, batched_at, self.keys)
        columns = list(batch_types)
        if not self.keys or self._table_is_empty():
            self.connection.execute(sql_text.append(self.table, columns, source))
            self._empty = False
            return
        has_version = (
            sql_text.VERSION_COLUMN in batch_types and sql_text.VERSION_COLUMN in table_types
        )
        self._merge(source, columns, table_types, has_version=has_version)

    @contextlib.contextmanager
    def _transaction(self) -> t.Iterator[None]:
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
            self.connection.execute("COMMIT")
        except BaseException:
            self._catalog = self._empty = None  # the rollback may undo what they had seen
            # A failed COMMIT has already ended the transaction; keep the original error.
            with contextlib.suppress(duckdb.Error):
                self.connection.execute("ROLLBACK")
            raise

    def _merge(
        self, source: str, columns: list[str], table_types: dict[str, str], *, has_version: bool
    ) -> None:
        """Replace stored rows the batch supersedes, then insert every batch row not stored."""
        connection = self.connection
        batch = sql_text.BATCH_TABLE
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {batch} AS {source}")
        try:
            present = {c.lower() for c in columns} | set(sql_text.METADATA_COLUMNS)
            missing = [c for c in self._table_column_names() if c.lower() not in present]
            if missing:
                for name in missing:
                    kind = table_types[name.lower()]
                    connection.execute(
                        f"ALTER TABLE {batch} ADD COLUMN {sql_text.quote(name)} {kind}"
                    )
                connection.execute(sql_text.carry_over(self.table, missing, self.keys))
            connection.execute(
                sql_text.delete_replaced(self.table, columns, self.keys, has_version)
            )
            connection.execute(sql_text.insert_absent(self.table, columns + missing, self.keys))
        finally:
            connection.execute(f"DROP TABLE IF EXISTS {batch}")

    def _table_is_empty(self) -> bool:
        if self._empty is None:
            query = f"SELECT NOT EXISTS (SELECT 1 FROM {self.table})"  # noqa: S608
            row = self.connection.execute(query).fetchone()
            self._empty = bool(row and row[0])
        return self._empty

    def _parse_check(self, batch_types: dict[str, str]) -> dict[str, str]:
        """Carry a temporal column as text when some value in this batch does not parse."""
        temporal = [name for name, kind in batch_types.items() if kind in TEMPORAL]
        if not temporal:
            return batch_types
        checks = ", ".join(
            f"count(*) FILTER (WHERE NULLIF(i.{sql_text.quote(n)}, '') IS NOT NULL AND "
            f"TRY_CAST(NULLIF(i.{sql_text.quote(n)}, '') AS {batch_types[n]}) IS NULL)"
            for n in temporal
        )
        # Identifiers in generated SQL are always quoted with sql_text.quote.
        query = f"SELECT {checks} FROM incoming AS i"  # noqa: S608
        bad_counts = self.connection.execute(query).fetchone()
        for name, bad in zip(temporal, bad_counts or (), strict=True):
            if bad:
                logger.warning(
                    "Stream '%s': %d value(s) of field '%s' are not valid %s; the column stores "
                    "them as text",
                    self.stream,
                    bad,
                    name,
                    batch_types[name].lower(),
                )
                batch_types[name] = VARCHAR
        return batch_types

    def _evolve_table(self, batch_types: t.Mapping[str, str]) -> dict[str, str]:
        """Create the table, add new columns, widen changed ones; return types by lower name."""
        quote = sql_text.quote
        if self._catalog is None:  # not seen in this run yet: it may not exist
            self.connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.schema)}")
            definitions = [f"{quote(n)} {kind}" for n, kind in batch_types.items()]
            definitions += [f"{quote(n)} {kind}" for n, kind in sql_text.METADATA_COLUMNS.items()]
            self.connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ({', '.join(definitions)})"
            )
        existing = self._table_types()
        for name, incoming in batch_types.items():
            current = existing.get(name.lower())
            if current is None:
                self.connection.execute(
                    f"ALTER TABLE {self.table} ADD COLUMN {quote(name)} {incoming}"
                )
                self._catalog = None
                existing[name.lower()] = incoming
            elif not accepts(current, incoming):
                target = widened(current, incoming)
                using = f"CAST({quote(name)} AS VARCHAR)"
                if target != VARCHAR:
                    using = f"to_json({quote(name)})"
                logger.warning(
                    "Stream '%s': field '%s' changed type (%s -> %s); widening the column to %s",
                    self.stream,
                    name,
                    current.lower(),
                    incoming.lower(),
                    target,
                )
                self.connection.execute(
                    f"ALTER TABLE {self.table} ALTER COLUMN {quote(name)} "
                    f"TYPE {target} USING {using}"
                )
                self._catalog = None
                existing[name.lower()] = target
        return existing

    def _table_types(self) -> dict[str, str]:
        return {name.lower(): normalize(kind) for name, kind in self._table_columns()}

    def _table_column_names(self) -> list[str]:
        return [name for name, _ in self._table_columns()]

    def _table_columns(self) -> list[tuple[str, str]]:
        if self._catalog is None:
            self._catalog = self._read_catalog()
        return self._catalog

    def _read_catalog(self) -> list[tuple[str, str]]:
        return self.connection.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            # DuckDB resolves identifiers case-insensitively; match the catalog the same way.
            "WHERE database_name = current_database() AND lower(schema_name) = lower(?) "
            "AND lower(table_name) = lower(?)",
            [self.schema, self.stream],
        ).fetchall()
