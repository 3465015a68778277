"""Simulator faults (lost answers, the org's limit): every record exactly once in the end."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
from crmsync.errors import FatalCrmError
from crmsync.testing import singer_messages
from sf_harness import clinic, last_report, sim_config, target_class

testing = pytest.importorskip(
    "clinic_sandbox.salesforce.testing", reason="the Salesforce simulator is not installed"
)
faults = pytest.importorskip("clinic_sandbox.freshsales.faults")
SOBJECTS = (
    "Account",
    "Contact",
    "Practitioner__c",
    "Appointment__c",
    "Invoice__c",
    "ContentNote",
    "ContentVersion",
)


def run_once(cfg: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    target = target_class(None)(config=cfg, validate_config=True)
    # A stopped run raises; its report says why, and the next run resumes.
    with contextlib.suppress(FatalCrmError):
        target.listen(io.StringIO(singer_messages(clinic(tmp_path, patients=8))))
    return last_report(tmp_path)


def expected_counts(tmp_path: Path) -> dict[str, int]:
    batches = dict(clinic(tmp_path, patients=8))
    return {
        "Account": len(batches["account"]),
        "Contact": len(batches["contact"]),
        "Practitioner__c": 1,
        "Appointment__c": 1,
        "Invoice__c": 1,
        "ContentNote": 1,
        "ContentVersion": 1,
    }


def test_lost_answers_converge_to_every_record_once(tmp_path: Path) -> None:
    drops = faults.FaultSettings(drop_rate=0.25, seed=11)
    with testing.running_simulator(with_custom_objects=True, job_delay=0, faults=drops) as sim:
        cfg = sim_config(sim, tmp_path, max_attempts=3)
        for _ in range(10):
            report = run_once(cfg, tmp_path)
            clean = report["status"] == "succeeded" and not report["pending_intents"]
            if clean and all(c["rejected"] == 0 for c in report["objects"].values()):
                break
        else:
            pytest.fail("still not clean after 10 runs")
        counts = {name: len(sim.records(name)) for name in SOBJECTS}
    assert counts == expected_counts(tmp_path)


def test_the_orgs_limit_stops_the_run_and_the_next_window_resumes(tmp_path: Path) -> None:
    with testing.running_simulator(
        with_custom_objects=True, job_delay=0, daily_limit=8, window_scale=0.00002
    ) as sim:
        # The whole migration costs 11 calls: no window of 8 holds it. No read-back counts, so
        # a run that has written everything needs no more than one window.
        cfg = sim_config(
            sim, tmp_path, api_usage_stop=1.0, api_usage_slowdown=1.0, read_back_counts=False
        )
        first = run_once(cfg, tmp_path)
        assert first["status"] == "failed"
        assert "allocation" in str(first["error"])
        for _ in range(5):
            time.sleep(1.8)  # the simulator's 24 h window, scaled to about 1.7 s, rolls over
            report = run_once(cfg, tmp_path)
            if report["status"] == "succeeded":
                break
        else:
            pytest.fail("the migration never finished")
        counts = {name: len(sim.records(name)) for name in SOBJECTS}
    assert counts == expected_counts(tmp_path)
