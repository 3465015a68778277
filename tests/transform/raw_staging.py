"""Write a raw_cliniko DuckDB staging file the way target-staging does, from flattened records."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import yaml

SOURCES_YML = Path("transform/models/staging/cliniko/_cliniko__sources.yml")
TO_ONE_LINK = re.compile(r"/v1/(?:[a-z_]+/\d+/)*[a-z_]+/(\d+)$")
DATE_FIELDS = ("date_of_birth", "issue_date", "expiry_date")


def declared_columns(repo_root: Path) -> dict[str, dict[str, str]]:
    """Stream name -> {column: DuckDB type}, as the dbt sources declare the raw tables."""
    sources = yaml.safe_load((repo_root / SOURCES_YML).read_text())
    tables = sources["sources"][0]["tables"]
    return {t["name"]: {c["name"]: c["data_type"] for c in t["columns"]} for t in tables}


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """A Cliniko API record as tap-cliniko emits it (docs/contracts.md field rules)."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if key == "links":
            continue
        if isinstance(value, dict) and set(value) == {"links"}:
            match = TO_ONE_LINK.search(value["links"].get("self") or "")
            if match:  # related-collection links (plural paths, query strings) are dropped
                flat[f"{key}_id"] = match.group(1)
        elif isinstance(value, list) and value and all(_is_link(item) for item in value):
            flat[f"{key.rstrip('s')}_ids"] = [
                TO_ONE_LINK.search(item["links"]["self"]).group(1) for item in value
            ]
        elif key == "id" or key.endswith("_id"):
            flat[key] = None if value is None else str(value)
        elif key.endswith("_ids") and isinstance(value, list):
            flat[key] = [str(item) for item in value]
        elif value == "" and (key.endswith("_at") or key in DATE_FIELDS):
            flat[key] = None
        else:
            flat[key] = value
    return flat


def _is_link(item: Any) -> bool:
    return isinstance(item, dict) and set(item) == {"links"}


def write_staging_file(
    path: Path,
    records: Mapping[str, Iterable[Mapping[str, Any]]],
    columns: Mapping[str, Mapping[str, str]],
    omit_columns: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, int]:
    """Create raw_cliniko.<stream> tables holding the records; return rows written per stream.

    Streams without records get no table (an empty or deselected stream); `omit_columns` leaves
    columns out of a table, as an older staging file would.
    """
    omitted = {stream: set(names) for stream, names in (omit_columns or {}).items()}
    counts: dict[str, int] = {}
    old_umask = os.umask(0o077)
    try:
        connection = duckdb.connect(str(path))
    finally:
        os.umask(old_umask)
    try:
        connection.execute("create schema raw_cliniko")
        for sequence, (stream, rows) in enumerate(sorted(records.items())):
            rows = list(rows)
            if not rows:
                continue
            table = {
                name: kind
                for name, kind in columns[stream].items()
                if name not in omitted.get(stream, set())
            }
            connection.execute(
                f"create table raw_cliniko.{stream} ("
                + ", ".join(f'"{name}" {kind}' for name, kind in table.items())
                + ")"
            )
            values = [_row(row, table, sequence, index) for index, row in enumerate(rows)]
            placeholders = ", ".join("?" for _ in table)
            # The stream name is one of the declared sources, never outside input.
            insert = f"insert into raw_cliniko.{stream} values ({placeholders})"  # noqa: S608
            connection.executemany(insert, values)
            counts[stream] = len(rows)
    finally:
        connection.close()
    path.chmod(0o600)
    return counts


def _row(
    record: Mapping[str, Any], table: Mapping[str, str], sequence: int, index: int
) -> list[Any]:
    received = f"2024-06-01T00:{sequence:02d}:{index % 60:02d}Z"
    metadata = {
        "_sdc_extracted_at": received,
        "_sdc_received_at": record.get("_sdc_received_at", received),
        "_sdc_batched_at": received,
        "_sdc_sequence": index,
        "_sdc_deleted_at": record.get("deleted_at"),
        "_sdc_archived_at": record.get("archived_at") or record.get("cancelled_at"),
    }
    values = []
    for name, kind in table.items():
        value = metadata[name] if name in metadata else record.get(name)
        if kind == "json" and value is not None:
            value = json.dumps(value)
        elif kind == "varchar" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # decimals arrive as strings; legacy examples send numbers
        values.append(value)
    return values
