"""Everything the report shows, read from files and tables already on this machine (no CRM call).

Sources: the inventory, the staging file's audit tables, the JSON files other commands wrote
(owners, plan, reconcile, diff, run reports) and the id map. A missing source leaves its section
saying how to produce it. Only counts, ids and field names are gathered, except the sample diff's
examples (values, on purpose: see docs/operations.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from crmsync.estimate import read_inventory
from crmsync.spec import ObjectSpec


def read_json(path: Path) -> Any:
    """A JSON file, or None when absent or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def latest_run_report(reports: Path, crm: str) -> dict[str, Any] | None:
    """The newest `<crm>-run-<id>.json` (by run id)."""
    runs = []
    for path in reports.glob(f"{crm}-run-*.json"):
        match = re.fullmatch(rf"{re.escape(crm)}-run-(\d+)\.json", path.name)
        if match:
            runs.append((int(match.group(1)), path))
    return read_json(max(runs)[1]) if runs else None


def audit_tables(staging: Path | None, crm: str) -> dict[str, Any]:
    """Data-quality summary, Cliniko → CRM reconciliation and too-large attachments."""
    found: dict[str, Any] = {"quality": None, "cliniko": None, "too_large": None}
    if staging is None or not staging.is_file():
        return found
    with duckdb.connect(str(staging), read_only=True) as con:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'audit'"
            ).fetchall()
        }
        if "audit__summary" in present:
            found["quality"] = _dicts(con, "select * from audit.audit__summary order by 1")
        name = f"audit__{crm}_reconciliation"
        if name in present:
            found["cliniko"] = _dicts(con, f"select * from audit.{name} order by 1, 3")  # noqa: S608 (name from information_schema)
        name = f"{crm}__attachments_too_large"
        if name in present:
            # Ids and sizes only: a file's name can carry a patient's name.
            found["too_large"] = _dicts(
                con,
                f"select patient_attachment_id, patient_id, size_mb, limit_mb, content_type "  # noqa: S608 (name from information_schema)
                f"from audit.{name} order by size_mb desc",
            )
    return found


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    columns = [d[0] for d in cur.description]
    return [
        {
            c: (v if isinstance(v, (int, float, str, type(None))) else str(v))
            for c, v in zip(columns, row, strict=True)
        }
        for row in cur.fetchall()
    ]


def reconciliation(
    specs: Mapping[str, ObjectSpec],
    reconcile: dict[str, Any] | None,
    cliniko: list[dict[str, Any]] | None,
    published: Mapping[str, int | None],
    mapped: Mapping[str, int],
) -> list[dict[str, Any]]:
    """Per CRM object: from Cliniko, in the publish tables, in the id map, in the CRM."""
    from_reconcile = {r.get("object"): r for r in (reconcile or {}).get("objects", []) or []}
    from_cliniko: dict[str, int] = {}
    for row in cliniko or []:
        if row.get("crm_object"):
            obj = str(row["crm_object"])
            from_cliniko[obj] = from_cliniko.get(obj, 0) + int(row.get("record_count") or 0)
    rows = []
    for stream in specs:
        known = from_reconcile.get(stream, {})
        rows.append(
            {
                "object": stream,
                "cliniko": from_cliniko.get(stream),
                "publish": known.get("publish_rows", published.get(stream)),
                "id_map": known.get("id_map", mapped.get(stream)),
                "crm": known.get("crm_count"),
                "ok": known.get("ok"),
            }
        )
    return rows


def rejects(run: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Reject reasons of the latest run per object (engine reasons name fields, not values)."""
    rows = []
    for obj, counts in ((run or {}).get("objects") or {}).items():
        for reason, n in (counts.get("reject_reasons") or {}).items():
            rows.append({"object": obj, "reason": reason, "records": n})
    return sorted(rows, key=lambda r: -r["records"])


def inventory(path: Path) -> dict[str, Any] | None:
    """Cliniko's counts per stream (tap-cliniko:inventory)."""
    return read_inventory(path)
