"""The pipeline after extraction: dbt build, tap-staging, target-freshsales against its simulator.

Used by the CRM scenarios (4, 5, 7), each with its own clinic copy, staging file and sync store.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clinic_sandbox.freshsales.testing import RunningSimulator

from bench.clinics import ROOT
from bench.procs import Measured, PipelineRun, Stage, run_pipeline, script
from bench.s3_dbt import build

UNLIMITED = {"max_calls_per_hour": 10**9, "max_calls_per_minute": 10**9}


@dataclass
class Extracted:
    run: PipelineRun
    staging: Path
    state: Path
    cliniko_requests: int


def extract(sandbox: Any, folder: Path, state: Path | None = None) -> Extracted:
    """tap-cliniko | target-staging into folder/staging.duckdb; `state` makes it a delta."""
    from bench.clinics import tap_config

    folder.mkdir(parents=True, exist_ok=True)
    config = tap_config(sandbox, folder / "tap.json")
    staging = folder.parent / "staging.duckdb"  # one file across the full run and its delta
    target = folder / "target-staging.json"
    target.write_text(json.dumps({"path": str(staging)}))
    tap = [script("tap-cliniko"), "--config", str(config)]
    if state is not None:
        tap += ["--state", str(state)]
    before = sandbox.stats()["requests"]
    out = folder / "state.jsonl"
    with open(out, "wb") as stdout:
        run = run_pipeline(
            [
                Stage("tap-cliniko", tap),
                Stage("target-staging", [script("target-staging"), "--config", str(target)]),
            ],
            folder / "logs",
            stdout=stdout,
        )
    lines = [line for line in out.read_text().splitlines() if line.strip()]
    final = folder / "state.json"
    final.write_text(lines[-1] if lines else "{}")  # targets print the bare state value
    return Extracted(run, staging, final, sandbox.stats()["requests"] - before)


def publish(staging: Path, folder: Path) -> tuple[PipelineRun, Path]:
    """dbt build, then tap-staging's records of the publish models into folder/publish.singer."""
    dbt = build(staging, folder)
    manifest = folder / "target" / "manifest.json"
    config = folder / "tap-staging.json"
    config.write_text(
        json.dumps({"crm": "freshsales", "path": str(staging), "manifest_path": str(manifest)})
    )
    records = folder / "publish.singer"
    with open(records, "wb") as stdout:
        tap = run_pipeline(
            [Stage("tap-staging", [script("tap-staging"), "--config", str(config)])],
            folder / "logs",
            stdout=stdout,
        )
    dbt.processes += tap.processes
    return dbt, records


def target_config(sim: RunningSimulator, folder: Path, limits: dict[str, int]) -> Path:
    config = folder / "target-freshsales.json"
    config.write_text(
        json.dumps(
            {
                "api_key": sim.api_key,
                "base_url": sim.base_url,
                "sync_store_path": str(folder.parent / "freshsales.sqlite"),
                "reports_dir": str(folder / "reports"),
                **limits,
            }
        )
    )
    config.chmod(0o600)
    return config


def write_crm(
    records: Path, sim: RunningSimulator, folder: Path, limits: dict[str, int], scale: float = 1.0
) -> tuple[Measured, int, float]:
    """target-freshsales reading `records`; returns the process, its API calls and wall time."""
    config = target_config(sim, folder, limits)
    before = sim.stats()["requests_total"]
    env = {**os.environ, "BENCH_WINDOW_SCALE": str(scale)}
    argv = [sys.executable, "-m", "bench.scaled_freshsales", "--config", str(config)]
    with open(records, "rb") as stdin:
        run = run_pipeline(
            [Stage("target-freshsales", argv)], folder / "logs", stdin=stdin, env=env, cwd=ROOT
        )
    return run.processes[0], sim.stats()["requests_total"] - before, run.wall_seconds


def audit_times(store: Path, run_index: int = -1) -> dict[str, list[str]]:
    """Per object, the audit times of records created or updated in one run (ids, no bodies)."""
    with sqlite3.connect(store) as con:
        runs = [r for (r,) in con.execute("select run_id from runs order by started")]
        rows = con.execute(
            "select object, at from audit_log where run_id = ? and outcome in "
            "('created', 'updated') order by at",
            [runs[run_index]],
        ).fetchall()
    result: dict[str, list[str]] = {}
    for name, at in rows:
        result.setdefault(name, []).append(at)
    return result
