"""The bench harness at a tiny scale: it runs, prints one table and writes its JSON.

No timing is asserted: benchmarks are not tests. Only scenarios that need nothing from the
network run here (scenario 2's stock pipeline installs target-duckdb from the package index).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# bench/ is a top-level folder of the repository, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.__main__ import main, parse
from bench.report import Row, markdown, table

pytestmark = pytest.mark.slow

ROW_KEYS = {"scenario", "figure", "value", "unit", "reference", "ratio", "goal", "met", "detail"}


def test_extraction_and_estimate_rows_at_a_tiny_scale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--only", "1,7", "--extract-patients", "15", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    document = json.loads((tmp_path / "latest.json").read_text())
    assert {"when", "machine", "options", "seconds", "rows"} <= set(document)
    assert document["machine"]["cores"] >= 1
    rows = document["rows"]
    assert all(set(row) == ROW_KEYS for row in rows)
    extraction = [row for row in rows if row["scenario"] == "1 extraction"]
    assert len(extraction) == 2
    for row in extraction:
        assert row["value"] > 0 and row["ratio"] > 0
        assert row["detail"]["records"] == row["detail"]["expected_records"]
    assert extraction[1]["detail"]["max_in_flight"] == 1
    # Scenario 7 reads scenario 5's migration: without it the row says so instead of a number.
    (estimate,) = [row for row in rows if row["scenario"].startswith("7")]
    assert estimate["value"] is None and "not available" in estimate["reference"]
    # The bench's own wall time is a row of the table, judged only for the default run.
    (whole,) = [row for row in rows if row["scenario"] == "all"]
    assert whole["unit"] == "min" and whole["value"] > 0 and whole["met"] is None
    header = [line for line in printed.splitlines() if line.startswith("scenario  ")]
    assert len(header) == 1 and "ratio" in header[0]


def test_only_keeps_the_run_order() -> None:
    assert parse(["--only", "6,2"]).selected == ["2", "6"]
    assert parse(["--only", "7,4,5"]).selected == ["5", "4", "7"]
    assert parse(["--full"]).scales == [10000, 100000]


def test_the_default_scale_is_cut_to_fit_15_minutes_and_full_runs_the_headline() -> None:
    default = parse([])
    assert (default.scales, default.crm_patients, default.stock_at) == ([500, 5000], 500, "both")
    full = parse(["--full"])
    assert (full.scales, full.crm_patients, full.stock_at) == ([10000, 100000], 1000, "both")


def test_table_has_one_line_per_row_and_marks_missed_goals() -> None:
    rows = [
        Row("1 x", "a", 1.5, "u", "ref", 0.95, ">= 0.9", True),
        Row("2 y", "b", None, "", "not available: why"),
        Row("3 z", "c", 12345.0, "u", "ref", 0.5, ">= 0.9", False),
    ]
    lines = table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[-1].rstrip().endswith("NO")
    assert "not available: why" in lines[3]


def test_markdown_table_has_one_line_per_row_and_marks_missed_goals() -> None:
    rows = [
        Row("1 x", "a", 1.5, "u", "ref", 0.95, ">= 0.9", True),
        Row("3 z", "c", 12345.0, "u", "ref", 0.5, ">= 0.9", False),
    ]
    lines = markdown({"rows": [row.__dict__ for row in rows]}).splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[2].endswith("| yes |") and lines[3].endswith("| **no** |")
    assert "| 12,345 |" in lines[3]
