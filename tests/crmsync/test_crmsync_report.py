"""End-of-run outputs: METRIC lines, the 0600 reconciliation file, the stderr table."""

from __future__ import annotations

import io
import json
import logging
import stat
from pathlib import Path

import pytest
from crmsync.counts import ObjectCounts
from crmsync.report import emit_metrics, print_table, write_json_report


def counts() -> dict[str, ObjectCounts]:
    c = ObjectCounts(received=4)
    for outcome in ("created", "updated", "unchanged"):
        c.add(outcome)
    c.add("rejected", "HTTP 400: Name can't be blank")
    return {"contacts": c}


def test_metric_lines_per_object_and_outcome(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="singer_sdk.metrics")
    emit_metrics(counts(), run_id=3)
    points = [json.loads(r.getMessage().split("METRIC: ", 1)[1]) for r in caplog.records]
    values = {p["metric"]: p["value"] for p in points}
    assert values == {
        "crm_records_received": 4,
        "crm_records_created": 1,
        "crm_records_updated": 1,
        "crm_records_unchanged": 1,
        "crm_records_rejected": 1,
    }
    assert all(p["tags"] == {"stream": "contacts", "run_id": 3} for p in points)


def test_invariant_breaks_when_an_outcome_is_missing() -> None:
    c = counts()["contacts"]
    assert c.balanced
    c.received += 1
    assert not c.balanced


def test_report_file_is_private_and_table_flags_imbalance(tmp_path: Path) -> None:
    path = write_json_report(tmp_path / "reports" / "r.json", {"a": 1})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    out = io.StringIO()
    bad = counts()
    bad["contacts"].received = 9
    print_table(bad, out)
    assert out.getvalue().splitlines()[1].split()[-1] == "NO"
