"""What the staging file holds from Cliniko, per stream, and what the tap's bookmarks promise."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

RAW = "raw_cliniko"


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [RAW]
    ).fetchall()
    return sorted(name for (name,) in rows)


def raw_records(staging: Path) -> dict[str, Counter[str]]:
    """Per raw table: each row's Cliniko columns as JSON (the loader's `_sdc_` columns left out,
    they record when it was loaded), counted, so a duplicate row shows."""
    held: dict[str, Counter[str]] = {}
    with duckdb.connect(str(staging), read_only=True) as con:
        for table in _tables(con):
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by column_name",
                    [RAW, table],
                ).fetchall()
                if not name.startswith("_sdc_")
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from {RAW}."{table}"').fetchall()  # noqa: S608
            held[table] = Counter(
                json.dumps(_comparable(dict(zip(columns, row, strict=True))), default=str)
                for row in rows
            )
    return held


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    # A downloaded attachment's path lies under each run's own folder: its file name is the part
    # two runs share (the content itself is compared by content_sha256).
    if row.get("content_path"):
        row["content_path"] = Path(row["content_path"]).name
    return row


def updated_at_by_id(staging: Path) -> dict[str, dict[str, str]]:
    """Per raw table with an `updated_at` bookmark: id → updated_at (as text)."""
    found: dict[str, dict[str, str]] = {}
    with duckdb.connect(str(staging), read_only=True) as con:
        keyed = con.execute(
            "select table_name from information_schema.columns where table_schema = ? "
            "and column_name in ('id', 'updated_at') group by table_name having count(*) = 2",
            [RAW],
        ).fetchall()
        for (table,) in keyed:
            rows = con.execute(
                f'select cast(id as varchar), updated_at from {RAW}."{table}"'  # noqa: S608
            ).fetchall()
            found[table] = {sid: _instant(at) for sid, at in rows}
    return found


def bookmarks(state_line: str) -> dict[str, str]:
    """stream → replication_key_value of a Singer STATE message (or a bare state object)."""
    state = json.loads(state_line)
    state = state.get("value", state)
    return {
        stream: _instant(entry["replication_key_value"])
        for stream, entry in state.get("bookmarks", {}).items()
        if entry.get("replication_key_value")
    }


def skipped_by_bookmarks(
    state_line: str, everything: dict[str, dict[str, str]], loaded: dict[str, dict[str, str]]
) -> dict[str, list[str]]:
    """Records a resumed run would never read again: updated before their stream's bookmark
    (the next run asks for `updated_at >= bookmark`) yet not in the staging file."""
    skipped: dict[str, list[str]] = {}
    for stream, bookmark in bookmarks(state_line).items():
        have = loaded.get(stream, {})
        lost = [
            sid
            for sid, at in everything.get(stream, {}).items()
            if at < bookmark and sid not in have
        ]
        if lost:
            skipped[stream] = lost
    return skipped


def _instant(value: Any) -> str:
    """An instant as sortable UTC text `YYYY-MM-DDTHH:MM:SS` (bookmarks and columns alike)."""
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="seconds")
    return str(value).replace("Z", "").replace("+00:00", "")[:19].replace(" ", "T")
