"""Helpers for the staging tests: Singer messages, a target run, reading the file back."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import duckdb
from cliniko_staging.target import TargetStaging

PATIENT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "first_name": {"type": ["null", "string"]},
        "visits": {"type": ["null", "integer"]},
        "balance": {"type": ["null", "string"], "format": "x-singer.decimal"},
        "date_of_birth": {"type": ["null", "string"], "format": "date"},
        "custom_fields": {"type": ["null", "object"]},
        "phone_numbers": {"type": ["null", "array"], "items": {"type": "object"}},
        "archived_at": {"type": ["null", "string"], "format": "date-time"},
        "deleted_at": {"type": ["null", "string"], "format": "date-time"},
        "updated_at": {"type": ["null", "string"], "format": "date-time"},
    },
}


def schema(stream: str, properties_schema: dict, keys: list[str] | None = None) -> dict:
    """A SCHEMA message."""
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": properties_schema,
        "key_properties": ["id"] if keys is None else keys,
    }


def record(stream: str, body: dict) -> dict:
    """A RECORD message."""
    return {
        "type": "RECORD",
        "stream": stream,
        "record": body,
        "time_extracted": "2026-01-02T03:04:05+00:00",
    }


def state(value: dict) -> dict:
    """A STATE message."""
    return {"type": "STATE", "value": value}


def patient(number: int, updated: str = "2025-01-01T00:00:00Z", **changes: t.Any) -> dict:
    """A patient record with every kind of column."""
    body = {
        "id": str(1443966599630431868 + number),
        "first_name": f"First{number}",
        "visits": number,
        "balance": "12.50",
        "date_of_birth": "2001-05-26",
        "custom_fields": {
            "sections": [{"name": "Insurance", "fields": [{"value": f"P-{number}"}]}]
        },
        "phone_numbers": [{"phone_type": "Mobile", "number": "61444444444"}],
        "archived_at": None,
        "deleted_at": None,
        "updated_at": updated,
    }
    body.update(changes)
    return body


def run_target(
    config: dict, messages: t.Iterable[dict], target: TargetStaging | None = None
) -> list[dict]:
    """Run the target over the messages; return the state messages it printed."""
    target = target or TargetStaging(config=config)
    out = io.StringIO()
    lines = io.StringIO("".join(json.dumps(m) + "\n" for m in messages))
    with contextlib.redirect_stdout(out):
        target.listen(lines)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query against the staging file, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("SET TimeZone = 'UTC'")
        return connection.execute(sql, params or []).fetchall()


@contextlib.contextmanager
def file_held_by_another_process(path: Path | str, *, read_only: bool) -> t.Iterator[None]:
    """Another process keeps the DuckDB file open (read-only or as the writer) meanwhile."""
    holder = textwrap.dedent(f"""
        import sys, duckdb
        connection = duckdb.connect({str(path)!r}, read_only={read_only!r})
        print("holding", flush=True)
        sys.stdin.read()
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        yield
    finally:
        process.communicate("")
