"""Scenario 4: CRM writes against each CRM's documented limits, from scenario 5's full migration.

Freshsales allows 1,000 calls an hour (Growth) and 400 a minute; the simulator and the target's
limiter both run with those windows shortened by the same factor (bench.s5_delta.WINDOW_SCALE),
so the hourly limit binds as in a real run. Figure per object: records written a minute ÷
(calls allowed a minute x records per call). The first hour-window is left out: a window lets a
full quota through at once, a burst a real multi-hour run does not see again.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sqlite3
from typing import Any

from target_freshsales.objects import OBJECTS

from bench.crm_pipeline import audit_times
from bench.report import Row, unavailable

HOURLY = 1000
MIN_RECORDS = 20  # fewer writes after the first window give no rate worth printing
# An object written within a few windows spends quota other objects left unused (the limiter
# lets a window's whole quota through at once), so its rate can exceed the ceiling: only an
# object whose writes span this many windows measures the steady rate.
STEADY_WINDOWS = 3


def _seconds(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp).timestamp()


def per_call(spec: Any) -> int:
    """Records one write call carries: a bulk_upsert job takes 100, every other write one."""
    return spec.batch_size if spec.upsert else 1


def run(options: Any, ctx: dict[str, Any]) -> list[Row]:
    migration = ctx.get("migrations", {}).get(options.crm_patients)
    if migration is None:
        return [unavailable("4 CRM ceiling", "freshsales", "scenario 5 did not run")]
    scale = migration["scale"]
    window = 3600 * scale
    calls_per_minute = HOURLY / window * 60
    with sqlite3.connect(migration["store"]) as con:
        (started,) = con.execute("select started from runs order by started limit 1").fetchone()
    steady = _seconds(started) + window
    rows = []
    specs = {spec.stream: spec for spec in OBJECTS}
    for name, stamps in audit_times(migration["store"], 0).items():
        times = [t for t in map(_seconds, stamps) if t >= steady]
        if len(times) < MIN_RECORDS or times[-1] <= times[0]:
            continue
        rate = (len(times) - 1) / (times[-1] - times[0]) * 60
        ceiling = calls_per_minute * per_call(specs[name])
        steady_object = times[-1] - times[0] >= STEADY_WINDOWS * window
        rows.append(
            Row(
                "4 CRM ceiling",
                f"freshsales {name}: records/min (scaled time)",
                rate,
                "records/min",
                f"{calls_per_minute:,.0f} calls/min x {per_call(specs[name])} per call",
                rate / ceiling,
                ">= 0.9" if steady_object else f"(spans < {STEADY_WINDOWS} windows: a burst)",
                rate / ceiling >= 0.9 if steady_object else None,
                {
                    "records_after_first_window": len(times),
                    "total_written": len(stamps),
                    "windows_spanned": (times[-1] - times[0]) / window,
                },
            )
        )
    # The whole run: every call (reads, polls, retries) against what the limit allows meanwhile.
    full = migration["full"]
    allowed = calls_per_minute * full.crm_seconds / 60
    rows.append(
        Row(
            "4 CRM ceiling",
            "freshsales whole run: API calls/min (scaled time)",
            full.crm / full.crm_seconds * 60,
            "calls/min",
            f"{calls_per_minute:,.0f} calls/min allowed (1,000/h, time x {1 / scale:.0f})",
            full.crm / allowed,
            ">= 0.9",
            full.crm / allowed >= 0.9,
            {"calls": full.crm, "seconds": full.crm_seconds},
        )
    )
    if (
        importlib.util.find_spec("target_salesforce") is None
        or importlib.util.find_spec("clinic_sandbox.salesforce") is None
    ):
        rows.append(unavailable("4 CRM ceiling", "salesforce", "target_salesforce not installed"))
    else:
        rows.append(
            unavailable("4 CRM ceiling", "salesforce", "not wired into the bench yet (see doc)")
        )
    return rows
