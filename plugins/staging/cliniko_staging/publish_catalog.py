"""Describe publish tables from DuckDB's catalog when there is no dbt manifest to read."""

from __future__ import annotations

from itertools import groupby

import duckdb

from cliniko_staging.manifest import SAMPLE_COLUMN, PublishColumn, PublishModel


def read_catalog(connection: duckdb.DuckDBPyConnection, crm: str) -> list[PublishModel]:
    """The tables of schema ``publish_<crm>`` with their column types; no load order is known.

    Args:
        connection: The staging file, open read-only.
        crm: The CRM name.

    Returns:
        One model per table, alphabetical.
    """
    rows = connection.execute(
        "SELECT table_name, column_name, data_type, is_nullable = 'YES' "
        "FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = ? "
        "ORDER BY table_name, ordinal_position",
        [f"publish_{crm}"],
    ).fetchall()
    return [
        PublishModel(
            stream=table.removeprefix(f"{crm}__"),
            table=table,
            load_order=None,
            columns=tuple(
                PublishColumn(name=name, data_type=data_type, nullable=nullable)
                for _, name, data_type, nullable in columns
                if name != SAMPLE_COLUMN
            ),
        )
        for table, columns in groupby(rows, key=lambda row: row[0])
    ]
