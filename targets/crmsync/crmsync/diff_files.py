"""The diff on disk (all 0600): `<crm>-diff.json` for the HTML report, and two CSV files.

`<crm>-diff.csv` holds counts only; `<crm>-diff-examples.csv` and the JSON hold example values
(patient data): they stay on the operator's machine and never reach a log.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from crmsync.diff import ObjectDiff
from crmsync.private_files import write_private_text


def document(crm: str, objects: dict[str, ObjectDiff], run_id: int | None) -> dict[str, Any]:
    """The JSON shape the report reads."""
    return {
        "crm": crm,
        "run_id": run_id,
        "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "objects": {name: dataclasses.asdict(d) for name, d in objects.items()},
    }


def write_diff(reports: Path, crm: str, doc: dict[str, Any]) -> list[Path]:
    """Write the JSON and both CSV files; return their paths."""
    json_path = reports / f"{crm}-diff.json"
    summary_path = reports / f"{crm}-diff.csv"
    examples_path = reports / f"{crm}-diff-examples.csv"
    write_private_text(json_path, json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
    summary, examples = _rows(doc)
    write_private_text(summary_path, _csv(summary))
    write_private_text(examples_path, _csv(examples))
    return [json_path, summary_path, examples_path]


def _rows(doc: dict[str, Any]) -> tuple[list[list[Any]], list[list[Any]]]:
    summary: list[list[Any]] = [["object", "field", "equal", "different", "missing"]]
    examples: list[list[Any]] = [["object", "field", "source_id", "crm_id", "sent", "stored"]]
    for obj, d in doc["objects"].items():
        for name, f in d["fields"].items():
            summary.append([obj, name, f["equal"], f["different"], f["missing"]])
            for e in f["examples"]:
                examples.append(
                    [obj, name, e["source_id"], e["crm_id"], _cell(e["sent"]), _cell(e["stored"])]
                )
    return summary, examples


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
