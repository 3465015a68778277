"""A SIGKILL in the crash window (write applied, answer unread), then a rerun: no gap, no dup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crmsync.store import SQLiteSyncStore
from freshsales_harness import config, run, singer_input

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)
faults = pytest.importorskip("clinic_sandbox.freshsales.faults")

NOTES = 12


def batches() -> list[tuple[str, list[dict]]]:
    return [
        (
            "contacts",
            [{"_source_id": "patient:1", "last_name": "Ng", "cf_cliniko_id": "patient:1"}],
        ),
        (
            "notes",
            [
                {
                    "_source_id": f"treatment_note:{n}",
                    "description": f"Visit {n}",
                    "_ref__targetable_id": "patient:1",
                }
                for n in range(NOTES)
            ],
        ),
    ]


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the target did not get that far")
        time.sleep(0.01)


@pytest.mark.slow
def test_sigkill_between_the_crm_write_and_the_store_then_rerun(tmp_path: Path) -> None:
    # Held answers last timeout_seconds (read from the start config); none are held until the swap.
    slow = faults.FaultSettings(latency_ms=30, timeout_seconds=1.5)
    with testing.running_simulator(with_custom_fields=True, faults=slow) as sim:
        cfg = config(tmp_path, base_url=sim.base_url, api_key=sim.api_key, read_back_counts=False)
        (tmp_path / "config.json").write_text(json.dumps(cfg))
        (tmp_path / "input.jsonl").write_text(singer_input(batches()))
        with open(tmp_path / "input.jsonl") as stdin:
            target = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "target_freshsales.target",
                    "--config",
                    str(tmp_path / "config.json"),
                ],
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            wait_for(lambda: len(sim.records("notes")) >= 3)
            # From now on every request is applied and then its answer is held: the crash window.
            sim.simulator.dice = faults.FaultDice(faults.FaultSettings(timeout_rate=1.0))
            landed = len(sim.records("notes"))
            wait_for(lambda: len(sim.records("notes")) > landed)
            time.sleep(0.2)  # the answer is held for 1.5 s: the target is inside the window
            os.kill(target.pid, signal.SIGKILL)
        finally:
            target.wait(timeout=10)
        sim.simulator.dice = faults.FaultDice(faults.FaultSettings())
        assert 3 <= len(sim.records("notes")) < NOTES

        store = SQLiteSyncStore(tmp_path / "sync" / "freshsales.sqlite")
        pending = store.pending_intents()
        assert len(pending) == 1  # the note whose answer never came back
        store.close()

        report = run(
            None,
            tmp_path,
            batches(),
            base_url=sim.base_url,
            api_key=sim.api_key,
            read_back_counts=False,
        )
        assert report["balanced"] and report["pending_intents"] == 0
        descriptions = sorted(n["description"] for n in sim.records("notes"))
        assert descriptions == sorted(f"Visit {n}" for n in range(NOTES))  # no gap, no duplicate
        store = SQLiteSyncStore(tmp_path / "sync" / "freshsales.sqlite")
        assert store.runs()[1]["status"] == "crashed"
        outcomes = [
            row["outcome"] for row in store.audit(1) if row["source_id"] == pending[0].source_id
        ]
        assert outcomes == ["recovered"]
