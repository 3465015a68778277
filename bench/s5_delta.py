"""Scenario 5 (and the runs scenarios 4, 6 and 7 read): a full migration, then a 1% delta.

On a private copy of the clinic: extract, dbt, then for each CRM tap-staging and its target
against the CRM's simulator at its documented limits (bench/crms.py; scenario 4 reads this run);
then 1% of patients and 1% of individual appointments are edited in the sandbox and the same
pipeline runs again with the tap's state and the same sync stores (the delta). Finally it runs
once more with nothing changed, which measures the fixed calls a delta always makes. Both CRMs
share the extraction and the dbt build of each pass, as one clinic migrating to both would. In
the full pass the targets run one after the other (scenario 4 measures their pace); in the delta
and no-change passes, which count calls only, side by side. The
no-change pass reuses the delta pass's dbt build: nothing changed, so its publish tables are the
same, and a dbt build is the slowest step of a small pass.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import crms, s7_estimate
from bench.clinics import WORK, serve
from bench.crm_pipeline import extract, publish, transform, write_crms
from bench.procs import PipelineRun
from bench.report import Row

FRACTION = 0.01
CHANGED = ("patients", "individual_appointments")


@dataclass
class Half:
    """One pass as one CRM saw it: Cliniko requests (shared), CRM calls and the target's time."""

    cliniko: int = 0
    crm: int = 0
    crm_seconds: float = 0.0
    processes: list[Any] = field(default_factory=list)


def one_pass(
    sandbox: Any,
    sims: dict[str, Any],
    folder: Path,
    state: Path | None,
    before_write: Callable[[str, Path], None] | None = None,
    built: Path | None = None,
) -> tuple[dict[str, Half], Path]:
    """extract -> dbt -> per CRM tap-staging, then the targets side by side.

    `before_write(crm, staging)` runs for each CRM before any target starts.

    With `built` (an earlier pass's folder) the dbt build is not repeated: its tables are read.
    """
    extracted = extract(sandbox, folder, state)
    dbt = transform(extracted.staging, folder) if built is None else PipelineRun(0.0)
    published = {crm: publish(extracted.staging, folder, crm, built) for crm in sims}
    if before_write is not None:
        for crm in sims:
            before_write(crm, extracted.staging)
    records = {crm: path for crm, (_, path) in published.items()}
    # The full pass is scenario 4's: its targets' pace is measured, so they run one at a time.
    written = write_crms(records, sims, folder, side_by_side=state is not None)
    halves = {}
    for crm, (target, calls, seconds) in written.items():
        half = Half(extracted.cliniko_requests, calls, seconds)
        tap = published[crm][0]
        half.processes = extracted.run.processes + dbt.processes + tap.processes + [target]
        halves[crm] = half
    return halves, extracted.state


def migrate(patients: int, ctx: dict[str, Any]) -> dict[str, Any]:
    """Run the full migration, the delta and the no-change run; returns what they cost."""
    work = WORK / "s5" / f"p{patients}"
    shutil.rmtree(work, ignore_errors=True)  # a staging file or sync store left over is no full run
    with serve(patients, copy_to=work / "clinic") as sandbox, ExitStack() as stack:
        emails = sandbox.crm_user_emails()
        sims = {crm: stack.enter_context(crms.simulator(crm, emails)) for crm in crms.CRMS}

        def estimate(crm: str, staging: Path) -> None:
            folder = work / "full"
            ctx.setdefault("estimate", {})[crm] = s7_estimate.estimate_before(
                crm, sims[crm], staging, folder
            )

        full, state = one_pass(sandbox, sims, work / "full", None, estimate)
        counts = sandbox.live_counts()
        changed = [
            changed_id
            for stream in CHANGED
            for changed_id in sandbox.mutate(
                stream, "edit", count=round(counts[stream]["total"] * FRACTION)
            )
        ]
        delta, state = one_pass(sandbox, sims, work / "delta", state)
        idle, _ = one_pass(sandbox, sims, work / "idle", state, built=work / "delta")
    base = sum(counts[stream]["total"] for stream in CHANGED)
    result = {
        crm: {
            "patients": patients,
            "crm": crm,
            "full": full[crm],
            "delta": delta[crm],
            "idle": idle[crm],
            "changed": len(changed),
            "fraction": len(changed) / base,
            "store": crms.store(crm, work / "full"),
            "scale": crms.WINDOW_SCALE if crm == "freshsales" else 1.0,
        }
        for crm in crms.CRMS
    }
    ctx.setdefault("migrations", {})[patients] = result
    for crm in crms.CRMS:
        ctx.setdefault("processes", {})[("crm", crm, patients)] = full[crm].processes
    return result


def rows_for(result: dict[str, Any], sides: tuple[str, ...]) -> list[Row]:
    rows = []
    fraction = result["fraction"]
    for side in sides:
        full = getattr(result["full"], side)
        delta = getattr(result["delta"], side)
        fixed = getattr(result["idle"], side)
        allowed = 1.5 * fraction * full + fixed
        who = result["crm"] if side == "crm" else "cliniko"
        rows.append(
            Row(
                "5 delta cost",
                f"{who} calls, delta / full, {result['patients']:,} patients",
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
    result = migrate(options.crm_patients, ctx)
    # Cliniko's side is the same pass for both CRMs: one row.
    return rows_for(result["freshsales"], ("cliniko", "crm")) + rows_for(
        result["salesforce"], ("crm",)
    )
