"""The migration's steps: extract, dbt build, then per CRM tap-staging and the target.

Used by the CRM scenarios (4, 5, 6, 7), each with its own clinic copy, staging file and sync
stores; the CRM simulators and targets are described in bench/crms.py.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import crms
from bench.clinics import ROOT
from bench.procs import Measured, PipelineRun, Stage, run_pipeline, script
from bench.s3_dbt import build


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
    # Attachments are downloaded, so the CRMs receive files as a real migration sends them.
    config = tap_config(
        sandbox,
        folder / "tap.json",
        download_attachments=True,
        attachments_dir=str(folder.parent / "attachments"),
    )
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


def transform(staging: Path, folder: Path) -> PipelineRun:
    """dbt build of every CRM's publish models (no tests) over the staging file."""
    return build(staging, folder, publish_only=True)


def publish(
    staging: Path, folder: Path, crm: str, built: Path | None = None
) -> tuple[PipelineRun, Path]:
    """tap-staging's records of one CRM's publish models into folder/publish-<crm>.singer.

    `built` is the folder of the dbt build whose manifest to read (default: `folder`).
    """
    manifest = (built or folder) / "target" / "manifest.json"
    config = folder / f"tap-staging-{crm}.json"
    config.write_text(
        json.dumps({"crm": crm, "path": str(staging), "manifest_path": str(manifest)})
    )
    records = folder / f"publish-{crm}.singer"
    with open(records, "wb") as stdout:
        tap = run_pipeline(
            [Stage(f"tap-staging-{crm}", [script("tap-staging"), "--config", str(config)])],
            folder / "logs",
            stdout=stdout,
        )
    return tap, records


def write_crm(
    crm: str, records: Path, sim: Any, folder: Path, throttled: bool = True
) -> tuple[Measured, int, float]:
    """The CRM's target reading `records`; returns the process, its API calls and wall time."""
    config = crms.target_config(crm, sim, folder, throttled)
    argv, env = crms.target_command(crm, config, throttled)
    before = crms.calls(crm, sim)
    with open(records, "rb") as stdin:
        run = run_pipeline(
            [Stage(f"target-{crm}", argv)], folder / "logs", stdin=stdin, env=env, cwd=ROOT
        )
    return run.processes[0], crms.calls(crm, sim) - before, run.wall_seconds


def write_crms(
    records: dict[str, Path],
    sims: dict[str, Any],
    folder: Path,
    throttled: bool = True,
    side_by_side: bool = True,
) -> dict[str, tuple[Measured, int, float]]:
    """Every CRM's target, each reading its records: one clinic migrating to both.

    Side by side, the pass takes as long as the slower target rather than the sum: right where
    only calls and memory are counted. Where a target's pace is the figure (scenario 4 reads the
    full migration), one after the other, so neither takes the other's CPU.
    """
    if not side_by_side:
        return {
            crm: write_crm(crm, path, sims[crm], folder, throttled) for crm, path in records.items()
        }
    with ThreadPoolExecutor(max_workers=len(records)) as pool:
        futures = {
            crm: pool.submit(write_crm, crm, path, sims[crm], folder, throttled)
            for crm, path in records.items()
        }
        return {crm: future.result() for crm, future in futures.items()}


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
