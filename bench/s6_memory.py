"""Scenario 6: peak RSS of each process at 10x the data ÷ at 1x (streaming, bounded batches).

tap-cliniko and target-staging come from scenario 2 and dbt from scenario 3 (both scales);
tap-staging and the CRM targets from scenario 5's full migration and one more, unthrottled,
migration of a clinic a tenth of its size run here.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from bench import crms
from bench.clinics import WORK, serve
from bench.crm_pipeline import extract, publish, transform, write_crms
from bench.report import Row

PIPELINE = ("tap-cliniko", "target-staging", "stock-tap", "target-duckdb", "dbt")
# The stock pipeline of scenario 2 is the reference, not ours: its peaks are reported, not judged.
REFERENCE = frozenset({"stock-tap", "target-duckdb"})


def small_migration(patients: int) -> dict[str, list[Any]]:
    """One unthrottled migration into each CRM; per CRM, its tap-staging and target processes."""
    folder = WORK / "s6" / f"p{patients}"
    with serve(patients, copy_to=folder / "clinic") as sandbox:
        emails = sandbox.crm_user_emails()
        (folder / "staging.duckdb").unlink(missing_ok=True)
        extracted = extract(sandbox, folder / "full")
    transform(extracted.staging, folder / "full")
    published = {}
    for crm in crms.CRMS:
        crms.store(crm, folder / "full").unlink(missing_ok=True)
        published[crm] = publish(extracted.staging, folder / "full", crm)
    with ExitStack() as stack:
        sims = {
            crm: stack.enter_context(crms.simulator(crm, emails, throttled=False))
            for crm in crms.CRMS
        }
        records = {crm: path for crm, (_, path) in published.items()}
        written = write_crms(records, sims, folder / "full", throttled=False)
    return {crm: [*published[crm][0].processes, written[crm][0]] for crm in crms.CRMS}


def peaks(processes: list[Any]) -> dict[str, float]:
    return {p.name: p.peak_rss_mib for p in processes}


def row(name: str, small: int, large: int, low: float, high: float) -> Row:
    reference = name in REFERENCE
    return Row(
        "6 memory",
        f"{name} peak RSS, {large:,} vs {small:,} patients"
        + (" (stock pipeline: reference)" if reference else ""),
        high,
        "MiB",
        f"{low:,.0f} MiB at {small:,} patients",
        high / low,
        "reported" if reference else "<= 1.5",
        None if reference else high / low <= 1.5,
    )


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    rows = []
    small, large = options.scales
    processes = ctx.get("processes", {})
    low = peaks(processes.get(("extract", small), []) + processes.get(("dbt", small), []))
    high = peaks(processes.get(("extract", large), []) + processes.get(("dbt", large), []))
    for name in PIPELINE:
        if name in low and name in high:
            rows.append(row(name, small, large, low[name], high[name]))
    crm_large = options.crm_patients
    if all(("crm", crm, crm_large) in processes for crm in crms.CRMS):
        crm_small = max(crm_large // 10, 10)
        small_runs = small_migration(crm_small)
        for crm in crms.CRMS:
            low = peaks(small_runs[crm])
            high = peaks(processes[("crm", crm, crm_large)])
            for name in (f"tap-staging-{crm}", f"target-{crm}"):
                rows.append(row(name, crm_small, crm_large, low[name], high[name]))
    return rows
