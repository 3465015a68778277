"""End-of-run reporting: METRIC lines, the JSON reconciliation file and the stderr table."""

from __future__ import annotations

import enum
import json
import sys
import typing as t
from pathlib import Path
from typing import Any, TextIO

from singer_sdk import metrics

from crmsync.counts import OUTCOMES, ObjectCounts
from crmsync.private_files import write_private_text


class CrmMetric(str, enum.Enum):
    """Reconciliation metrics for singer_sdk.metrics (custom names work with a str Enum)."""

    RECEIVED = "crm_records_received"
    CREATED = "crm_records_created"
    UPDATED = "crm_records_updated"
    UNCHANGED = "crm_records_unchanged"
    REJECTED = "crm_records_rejected"
    DESTINATION_COUNT = "crm_destination_count"


_BY_FIELD = {
    "received": CrmMetric.RECEIVED,
    "created": CrmMetric.CREATED,
    "updated": CrmMetric.UPDATED,
    "unchanged": CrmMetric.UNCHANGED,
    "rejected": CrmMetric.REJECTED,
}


def emit_metrics(counts: dict[str, ObjectCounts], run_id: int) -> None:
    """One METRIC line per object and count."""
    logger = metrics.get_metrics_logger()
    for obj, c in counts.items():
        tags = {"stream": obj, "run_id": run_id}
        for name, metric in _BY_FIELD.items():
            metrics.log(logger, metrics.Point("counter", _sdk(metric), getattr(c, name), tags))
        if c.destination_count is not None:
            point = metrics.Point(
                "gauge", _sdk(CrmMetric.DESTINATION_COUNT), c.destination_count, tags
            )
            metrics.log(logger, point)


def _sdk(metric: CrmMetric) -> metrics.Metric:
    # Point is typed for the SDK's own Metric enum, but only reads `.value`: any str Enum works.
    return t.cast(metrics.Metric, metric)


def write_json_report(path: Path, document: dict[str, Any]) -> Path:
    """Write a JSON report (mode 0600) and return its path."""
    write_private_text(path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    return path


def print_table(counts: dict[str, ObjectCounts], out: TextIO = sys.stderr) -> None:
    """A short per-object table; reasons stay in the report file (CRM errors may quote values)."""
    columns = ("object", "received", *OUTCOMES, "in CRM", "ok")
    rows = [
        (
            obj,
            str(c.received),
            *(str(getattr(c, o)) for o in OUTCOMES),
            "-" if c.destination_count is None else str(c.destination_count),
            "yes" if c.balanced else "NO",
        )
        for obj, c in counts.items()
    ]
    widths = [max(len(col), *(len(r[i]) for r in rows)) for i, col in enumerate(columns)]
    for line in (columns, *rows):
        out.write(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() + "\n"
        )
