"""Scenario 4: CRM writes against each CRM's documented limits, from scenario 5's full migration.

Freshsales allows 1,000 calls an hour (Growth) and 400 a minute; the simulator and the target's
limiter both run with those windows shortened by the same factor (bench.crms.WINDOW_SCALE), so
the hourly limit binds as in a real run. Figure per object: records written a minute ÷ (calls
allowed a minute x records per call). The first hour-window is left out: a window lets a full
quota through at once, a burst a real multi-hour run does not see again.

Salesforce has no per-minute limit: it allocates calls per rolling 24 h (100,000 + 1,000 per
licence on Enterprise). Its ceiling is that allocation's pace, 100,000 / 1,440 = 69.4 calls a
minute, each carrying up to 200 records (collections) or up to 10,000 for about 9 calls (a Bulk
API 2.0 job; its own 150,000,000 records a day never binds first). The run is not slowed: the
figure is the calls a minute the pipeline spends ÷ that pace, i.e. whether the pipeline could
keep the allocation busy; and the share of one day's allocation a clinic's migration needs.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from target_freshsales.objects import OBJECTS

from bench import crms
from bench.crm_pipeline import audit_times
from bench.report import Row, unavailable

HOURLY = 1000
SALESFORCE_PER_MINUTE = crms.SALESFORCE_DAILY_LIMIT / (24 * 60)
SALESFORCE_SLOWDOWN = 0.8  # target-salesforce's api_usage_slowdown: calls are spaced from here
HEADLINE_PATIENTS = 100_000
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
    migrations = ctx.get("migrations", {}).get(options.crm_patients)
    if migrations is None:
        return [unavailable("4 CRM ceiling", "CRM writes", "scenario 5 did not run")]
    return freshsales_rows(migrations["freshsales"]) + salesforce_rows(migrations["salesforce"])


def freshsales_rows(migration: dict[str, Any]) -> list[Row]:
    """Per object after the first hour-window, and the whole run, against the hourly limit."""
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
        # A bulk object's writes are interleaved with single-record objects that spend the same
        # windows, so its own rate says how the limit was shared, not how fast it can go.
        bulk = per_call(specs[name]) > 1
        if bulk:
            goal = "(bulk jobs share windows with other objects: not judged)"
        elif steady_object:
            goal = ">= 0.9"
        else:
            goal = f"(spans < {STEADY_WINDOWS} windows: a burst)"
        judged = steady_object and not bulk
        rows.append(
            Row(
                "4 CRM ceiling",
                f"freshsales {name}: records/min (scaled time)",
                rate,
                "records/min",
                f"{calls_per_minute:,.0f} calls/min x {per_call(specs[name])} per call",
                rate / ceiling,
                goal,
                rate / ceiling >= 0.9 if judged else None,
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
    return rows


def salesforce_rows(migration: dict[str, Any]) -> list[Row]:
    """The whole run's calls a minute against the allocation's pace; the day's share it needs."""
    full = migration["full"]
    patients = migration["patients"]
    written = sum(len(stamps) for stamps in audit_times(migration["store"], 0).values())
    per_minute = full.crm / full.crm_seconds * 60
    share = full.crm * HEADLINE_PATIENTS / patients / crms.SALESFORCE_DAILY_LIMIT
    detail = {
        "calls": full.crm,
        "records_written": written,
        "records_per_call": written / full.crm,
        "seconds": full.crm_seconds,
        "records_per_minute": written / full.crm_seconds * 60,
    }
    return [
        Row(
            "4 CRM ceiling",
            "salesforce whole run: API calls/min (no slowing, no latency)",
            per_minute,
            "calls/min",
            f"100,000 calls/24 h = {SALESFORCE_PER_MINUTE:.1f} calls/min "
            f"(x {written / full.crm:,.0f} records a call here)",
            per_minute / SALESFORCE_PER_MINUTE,
            ">= 0.9",
            per_minute / SALESFORCE_PER_MINUTE >= 0.9,
            detail,
        ),
        Row(
            "4 CRM ceiling",
            f"salesforce: share of one day's allocation, {HEADLINE_PATIENTS:,} patients "
            f"(linear from {patients:,})",
            share,
            "of 100,000",
            f"{full.crm:,} calls for {patients:,} patients; slowing starts at "
            f"{SALESFORCE_SLOWDOWN:.0%}",
            share / SALESFORCE_SLOWDOWN,
            "<= 1 (within a day, unslowed)",
            share <= SALESFORCE_SLOWDOWN,
            {"calls_per_1000_patients": full.crm * 1000 / patients},
        ),
    ]
