"""Scenario 7: `crmsync estimate` before the full migration ÷ what the run then measured.

The estimate is read from the publish tables before any CRM call; the run is scenario 5's full
migration against the simulator at Freshsales' limits with time scaled, so its wall time is
scaled back before the comparison.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from bench.crm_pipeline import target_config
from bench.procs import script
from bench.report import Row, unavailable


def estimate_before(sim: Any, staging: Path, folder: Path) -> dict[str, Any] | None:
    """Run `crmsync estimate` on the publish tables; None when the command does not exist."""
    config = target_config(sim, folder, {})
    done = subprocess.run(
        [
            script("crmsync"),
            "--crm",
            "freshsales",
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
    (folder / "logs" / "crmsync-estimate.log").write_text(done.stdout + done.stderr)
    report = folder / "reports" / "freshsales-estimate.json"
    if done.returncode != 0 or not report.exists():
        return None
    return json.loads(report.read_text())


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    estimate = ctx.get("estimate")
    migration = ctx.get("migrations", {}).get(options.crm_patients)
    if estimate is None or migration is None:
        return [unavailable("7 estimate", "crmsync estimate", "crmsync estimate missing or failed")]
    full = migration["full"]
    real_seconds = full.crm_seconds / migration["scale"]
    rows = [
        Row(
            "7 estimate",
            f"API calls, estimate / measured, {options.crm_patients:,} patients",
            float(estimate["total_calls"]),
            "calls",
            f"measured {full.crm:,} calls",
            estimate["total_calls"] / full.crm,
            "0.8 - 1.2",
            0.8 <= estimate["total_calls"] / full.crm <= 1.2,
        ),
        Row(
            "7 estimate",
            f"duration at the limits, estimate / measured, {options.crm_patients:,} patients",
            estimate["sustained_seconds"] / 60,
            "min",
            f"measured {real_seconds / 60:,.1f} min (scaled run x {1 / migration['scale']:.0f})",
            estimate["sustained_seconds"] / real_seconds,
            "0.8 - 1.2",
            0.8 <= estimate["sustained_seconds"] / real_seconds <= 1.2,
            {"minimum_seconds": estimate.get("minimum_seconds")},
        ),
    ]
    return rows
