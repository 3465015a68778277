"""Scenario 3: `dbt build` (every seed, model and test) over the staging file of scenario 2.

Compared with the time Cliniko itself needs to hand over the same records at its ceiling
(200 requests x 100 records a minute): the transform should be a small fraction of that.
"""

from __future__ import annotations

import os
from typing import Any

from bench.clinics import ROOT, WORK
from bench.procs import Stage, run_pipeline, script
from bench.report import Row
from bench.staging_file import count_rows

CLINIKO_RECORDS_PER_MINUTE = 200 * 100


def dbt_env(database: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "STAGING_"))}
    env.update(
        STAGING_DUCKDB_PATH=str(database),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_USE_COLORS="false",
    )
    return env


# What the CRM scenarios need: the publish models, their parents and seeds; no tests (scenario 3
# measures the whole build, tests included; a CRM scenario counts API calls, not dbt's time).
PUBLISH_ONLY = [
    "--select",
    "+path:models/publish",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]


def build(database: Any, folder: Any, name: str = "dbt", publish_only: bool = False) -> Any:
    """dbt build over `database`; its target/ (manifest for tap-staging) under `folder`."""
    argv = [
        script("dbt"),
        "build",
        "--project-dir",
        "transform",
        "--profiles-dir",
        "transform",
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "dbt-logs"),
        *(PUBLISH_ONLY if publish_only else []),
    ]
    run = run_pipeline(
        [Stage(name, argv)], folder / "logs", env=dbt_env(database), cwd=ROOT, check=False
    )
    if run.processes[0].returncode not in (0, 1):
        raise RuntimeError(f"dbt build failed; see {folder / 'logs' / name}.log")
    return run


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    rows = []
    for patients in options.scales:
        database = ctx["staging"][patients]
        folder = WORK / "s3" / f"p{patients}"
        raw = count_rows(database)
        done = build(database, folder)
        ctx.setdefault("processes", {})[("dbt", patients)] = done.processes
        ctx.setdefault("manifest", {})[patients] = folder / "target" / "manifest.json"
        seconds = done.wall_seconds
        cliniko_seconds = raw / CLINIKO_RECORDS_PER_MINUTE * 60
        # Exit 1 is dbt's "a node failed" (a model out of DuckDB's memory_limit, say): the build
        # is then short and light, so the row says it failed rather than read as a fast build.
        built = done.processes[0].returncode == 0
        rows.append(
            Row(
                "3 dbt build",
                f"seconds, {patients:,} patients ({raw:,} raw rows)",
                seconds,
                "s",
                f"Cliniko hands these over in {cliniko_seconds / 60:,.1f} min at its ceiling",
                seconds / cliniko_seconds,
                "every node passes",
                built,
                {
                    "rows_per_second": raw / seconds,
                    "cpu_seconds": done.cpu_seconds,
                    "exit_code": done.processes[0].returncode,
                },
            )
        )
        rows.append(
            Row(
                "3 dbt build",
                f"raw rows/s, {patients:,} patients",
                raw / seconds,
                "rows/s",
                f"Cliniko ceiling {CLINIKO_RECORDS_PER_MINUTE / 60:,.0f} records/s",
                raw / seconds / (CLINIKO_RECORDS_PER_MINUTE / 60),
                "",
                None,
            )
        )
    return rows
