"""Scenario 5 (and the runs scenarios 4, 6 and 7 read): a full migration, then a 1% delta.

On a private copy of the clinic: extract, dbt, tap-staging, target-freshsales against the
simulator at Freshsales' documented limits with time scaled (scenario 4 reads this run); then
1% of patients and 1% of individual appointments are edited in the sandbox and the same
pipeline runs again with the tap's state and the same sync store (the delta). Finally both
halves run once more with nothing changed, which measures the fixed calls a delta always makes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clinic_sandbox.freshsales.testing import running_simulator

from bench import s7_estimate
from bench.clinics import WORK, serve
from bench.crm_pipeline import extract, publish, write_crm
from bench.report import Row

FRACTION = 0.01
CHANGED = ("patients", "individual_appointments")
# Time runs this many times faster on both sides of the CRM (simulator windows, target limiter).
WINDOW_SCALE = 0.004


@dataclass
class Half:
    cliniko: int = 0
    crm: int = 0
    crm_seconds: float = 0.0
    processes: list[Any] = field(default_factory=list)


def one_pass(
    sandbox: Any, sim: Any, folder: Path, state: Path | None, before_write: Any = None
) -> tuple[Half, Path]:
    """extract -> dbt -> tap-staging -> target-freshsales; `before_write(staging)` runs first."""
    extracted = extract(sandbox, folder, state)
    dbt, records = publish(extracted.staging, folder)
    if before_write is not None:
        before_write(extracted.staging)
    target, calls, seconds = write_crm(records, sim, folder, {}, WINDOW_SCALE)
    half = Half(extracted.cliniko_requests, calls, seconds)
    half.processes = extracted.run.processes + dbt.processes + [target]
    return half, extracted.state


def migrate(patients: int, ctx: dict[str, Any]) -> dict[str, Any]:
    """Run the full migration, the delta and the no-change run; returns what they cost."""
    work = WORK / "s5" / f"p{patients}"
    shutil.rmtree(work, ignore_errors=True)  # a staging file or sync store left over is no full run
    with serve(patients, copy_to=work / "clinic") as sandbox:
        emails = sandbox.crm_user_emails()
        with running_simulator(
            users=emails, with_custom_fields=True, job_delay=0, window_scale=WINDOW_SCALE
        ) as sim:

            def estimate(staging: Path) -> None:
                ctx["estimate"] = s7_estimate.estimate_before(sim, staging, work / "full")

            full, state = one_pass(sandbox, sim, work / "full", None, estimate)
            counts = sandbox.live_counts()
            changed = [
                changed_id
                for stream in CHANGED
                for changed_id in sandbox.mutate(
                    stream, "edit", count=round(counts[stream]["total"] * FRACTION)
                )
            ]
            delta, state = one_pass(sandbox, sim, work / "delta", state)
            idle, _ = one_pass(sandbox, sim, work / "idle", state)
    base = sum(counts[stream]["total"] for stream in CHANGED)
    result = {
        "patients": patients,
        "full": full,
        "delta": delta,
        "idle": idle,
        "changed": len(changed),
        "fraction": len(changed) / base,
        "store": work / "freshsales.sqlite",
        "scale": WINDOW_SCALE,
    }
    ctx.setdefault("migrations", {})[patients] = result
    ctx.setdefault("processes", {})[("crm", patients)] = full.processes
    return result


def rows_for(result: dict[str, Any]) -> list[Row]:
    rows = []
    fraction = result["fraction"]
    for side in ("cliniko", "crm"):
        full = getattr(result["full"], side)
        delta = getattr(result["delta"], side)
        fixed = getattr(result["idle"], side)
        allowed = 1.5 * fraction * full + fixed
        rows.append(
            Row(
                "5 delta cost",
                f"{side} calls, delta / full, {result['patients']:,} patients",
                delta / full,
                "ratio",
                f"{fraction:.1%} changed; 1.5x that + fixed {fixed} calls = {allowed / full:.4f}",
                (delta / full) / (allowed / full),
                "<= 1 (delta within 1.5x changed + fixed)",
                delta <= allowed,
                {
                    "full_calls": full,
                    "delta_calls": delta,
                    "no_change_calls": fixed,
                    "changed_records": result["changed"],
                },
            )
        )
    return rows


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    return rows_for(migrate(options.crm_patients, ctx))
