"""Scenario 7: `crmsync estimate` before the full migration ÷ what the run then measured.

The estimate is read from the publish tables before any CRM call; the run is scenario 5's full
migration against each simulator. Freshsales runs at its limits with time scaled, so its wall
time is scaled back before the duration is compared. Salesforce is compared in calls only: its
duration is bound by the org's processing time, which the simulator does not model, not by a
rate the estimate could price.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bench import crms
from bench.procs import script
from bench.report import Row, unavailable


def estimate_before(crm: str, sim: Any, staging: Path, folder: Path) -> dict[str, Any] | None:
    """Run `crmsync estimate` on the publish tables; None when it fails (its log says why)."""
    config = crms.target_config(crm, sim, folder)
    done = subprocess.run(
        [
            script("crmsync"),
            "--crm",
            crm,
            "--config",
            str(config),
            "estimate",
            "--staging",
            str(staging),
            "--inventory",
            str(folder / "inventory.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    (folder / "logs" / f"crmsync-estimate-{crm}.log").write_text(done.stdout + done.stderr)
    report = folder / "reports" / f"{crm}-estimate.json"
    if done.returncode != 0 or not report.exists():
        return None
    return json.loads(report.read_text())


def calls_row(crm: str, patients: int, estimate: dict[str, Any], measured: int) -> Row:
    ratio = estimate["total_calls"] / measured
    return Row(
        "7 estimate",
        f"{crm} API calls, estimate / measured, {patients:,} patients",
        float(estimate["total_calls"]),
        "calls",
        f"measured {measured:,} calls",
        ratio,
        "0.8 - 1.2",
        0.8 <= ratio <= 1.2,
        {"objects": {o["object"]: o["calls"] for o in estimate.get("objects", [])}},
    )


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    patients = options.crm_patients
    migrations = ctx.get("migrations", {}).get(patients)
    if migrations is None:
        return [unavailable("7 estimate", "crmsync estimate", "scenario 5 did not run")]
    rows = []
    for crm in crms.CRMS:
        estimate = ctx.get("estimate", {}).get(crm)
        if estimate is None:
            rows.append(
                unavailable("7 estimate", f"{crm} estimate", "crmsync estimate failed (see log)")
            )
            continue
        full = migrations[crm]["full"]
        rows.append(calls_row(crm, patients, estimate, full.crm))
        if crm != "freshsales":
            continue
        real_seconds = full.crm_seconds / migrations[crm]["scale"]
        rows.append(
            Row(
                "7 estimate",
                f"freshsales duration at the limits, estimate / measured, {patients:,} patients",
                estimate["sustained_seconds"] / 60,
                "min",
                f"measured {real_seconds / 60:,.1f} min (scaled run x "
                f"{1 / migrations[crm]['scale']:.0f})",
                estimate["sustained_seconds"] / real_seconds,
                "0.8 - 1.2",
                0.8 <= estimate["sustained_seconds"] / real_seconds <= 1.2,
                {"minimum_seconds": estimate.get("minimum_seconds")},
            )
        )
    return rows
