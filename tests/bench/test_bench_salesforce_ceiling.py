"""Scenario 4's Salesforce rows from a made-up migration: the allocation's pace and share."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

# bench/ is a top-level folder of the repository, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.s4_crm_ceiling import salesforce_rows
from bench.s5_delta import Half


def _store(path: Path, written: int) -> Path:
    with sqlite3.connect(path) as con:
        con.execute("create table runs (run_id text, started text)")
        con.execute("create table audit_log (run_id text, object text, at text, outcome text)")
        con.execute("insert into runs values ('r1', '2026-11-01T00:00:00+00:00')")
        con.executemany(
            "insert into audit_log values ('r1', 'contact', '2026-11-01T00:00:01+00:00', ?)",
            [("created",)] * written + [("rejected",)] * 3,  # rejects are not writes
        )
    return path


def test_calls_a_minute_are_divided_by_the_daily_allocations_pace(tmp_path: Path) -> None:
    # 139 calls in 60 s: twice the pace of 100,000 calls a day (69.4 a minute).
    migration = {
        "patients": 500,
        "full": Half(cliniko=0, crm=139, crm_seconds=60.0),
        "store": _store(tmp_path / "salesforce.sqlite", written=2780),
    }
    pace, share = salesforce_rows(migration)
    assert pace.value == pytest.approx(139)
    assert pace.ratio == pytest.approx(139 / (100_000 / 1440))
    assert pace.met is True
    assert pace.detail["records_per_call"] == pytest.approx(20)
    # 139 calls for 500 patients -> 27,800 for 100,000: 0.278 of a day, under the 0.8 slowdown.
    assert share.value == pytest.approx(0.278)
    assert share.met is True
