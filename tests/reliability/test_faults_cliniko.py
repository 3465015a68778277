"""Cliniko failing under the tap: 5xx, timeouts, dropped connections, bursts of 429.

The tap retries each (docs/reliability.md); the run must finish and stage exactly what the
fault-free run staged — every record once, bookmarks at the run's start. The CRM side is built
from the staging file alone, so an identical staging file means an identical CRM.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pipelines import FreshsalesPipeline
from reference_run import Reference
from staging_content import bookmarks, raw_records

pytestmark = pytest.mark.slow

# The mix: 10% 5xx, 2% timeouts, dropped connections and 429 bursts. A "timeout" here
# hangs, then closes the connection unanswered (the tap's own read timeout is 60 s).
FAULTS = {
    "fault_5xx_rate": 0.10,
    "fault_timeout_rate": 0.02,
    "fault_drop_rate": 0.03,
    "fault_429_burst_rate": 0.03,
    "burst_length": 3,
    "hang_s": 1.5,
    # The dice restart here, so the faults do not depend on what the session asked before; with
    # this seed every kind happens within the first 22 requests (the extraction makes 45+).
    "fault_seed": 60,
}


@pytest.fixture(scope="module")
def faulty_extract(
    reference: Reference, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FreshsalesPipeline, dict[str, Any]]]:
    clinic = reference.cliniko
    normal = {name: clinic.configure()[name] for name in FAULTS}
    clinic.reset_stats()
    clinic.configure(**FAULTS)
    try:
        pipeline = FreshsalesPipeline(tmp_path_factory.mktemp("cliniko-faults"), clinic, None)
        pipeline.extract()  # asserts the tap and the loader both exit 0
        stats = clinic.stats()
    finally:
        clinic.configure(**normal)
    yield pipeline, stats


def test_every_fault_kind_happened(faulty_extract: tuple[FreshsalesPipeline, Any]) -> None:
    _, stats = faulty_extract
    faults = stats["faults"]
    assert sum(v for k, v in faults.items() if k.startswith("http_5")) >= 1, faults
    for kind in ("timeout", "dropped", "burst_429"):
        assert faults.get(kind, 0) >= 1, faults
    assert stats["by_status"].get("429", 0) >= 3  # at least one whole burst


def test_staging_holds_exactly_the_fault_free_records(
    reference: Reference, faulty_extract: tuple[FreshsalesPipeline, Any]
) -> None:
    pipeline, _ = faulty_extract
    expected = raw_records(reference.freshsales.staging)
    held = raw_records(pipeline.staging)
    assert set(held) == set(expected)
    wrong = {
        t: (sum(expected[t].values()), sum(held[t].values()))
        for t in expected
        if held[t] != expected[t]
    }
    assert wrong == {}, "table: (fault-free rows, rows under faults)"


def test_bookmarks_end_where_the_fault_free_run_ended(
    reference: Reference, faulty_extract: tuple[FreshsalesPipeline, Any]
) -> None:
    pipeline, _ = faulty_extract
    reached = bookmarks(_state(pipeline.work))
    expected = bookmarks(_state(reference.freshsales.work))
    assert set(reached) == set(expected)
    # Every stream finished: its bookmark is the (later) run's start, never behind the first.
    assert all(reached[s] >= expected[s] for s in expected)
    assert len(set(reached.values())) == 1


def _state(work: Path) -> str:
    return (work / "state.json").read_text()
