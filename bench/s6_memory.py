"""Scenario 6: peak RSS of each process at 10x the data ÷ at 1x (streaming, bounded batches).

tap-cliniko and target-staging come from scenario 2 and dbt from scenario 3 (both scales);
tap-staging and target-freshsales from scenario 5's full migration and one more, unthrottled,
migration of a clinic a tenth of its size run here.
"""

from __future__ import annotations

from typing import Any

from clinic_sandbox.freshsales.testing import running_simulator

from bench.clinics import WORK, serve
from bench.crm_pipeline import UNLIMITED, extract, publish, write_crm
from bench.report import Row

PIPELINE = ("tap-cliniko", "target-staging", "stock-tap", "target-duckdb", "dbt")
CRM = ("tap-staging", "target-freshsales")


def small_migration(patients: int) -> list[Any]:
    folder = WORK / "s6" / f"p{patients}"
    with serve(patients, copy_to=folder / "clinic") as sandbox:
        emails = sandbox.crm_user_emails()
        (folder / "staging.duckdb").unlink(missing_ok=True)
        (folder / "freshsales.sqlite").unlink(missing_ok=True)
        extracted = extract(sandbox, folder / "full")
    dbt, records = publish(extracted.staging, folder / "full")
    with running_simulator(users=emails, with_custom_fields=True, job_delay=0) as sim:
        target, _, _ = write_crm(records, sim, folder / "full", UNLIMITED)
    return [*dbt.processes, target]


def peaks(processes: list[Any]) -> dict[str, float]:
    return {p.name: p.peak_rss_mib for p in processes}


def row(name: str, small: int, large: int, low: float, high: float) -> Row:
    return Row(
        "6 memory",
        f"{name} peak RSS, {large:,} vs {small:,} patients",
        high,
        "MiB",
        f"{low:,.0f} MiB at {small:,} patients",
        high / low,
        "<= 1.5",
        high / low <= 1.5,
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
    if ("crm", crm_large) in processes:
        crm_small = max(crm_large // 10, 10)
        low = peaks(small_migration(crm_small))
        high = peaks(processes[("crm", crm_large)])
        for name in CRM:
            rows.append(row(name, crm_small, crm_large, low[name], high[name]))
    return rows
