"""Scenario 1: extraction against the Cliniko rate limit, beside the same tap one request at a time.

Time is scaled ten times: the sandbox allows 2,000 requests a minute (Cliniko: 200) and answers
in 50 ms (Cliniko: about 500 ms), so a run of seconds has the ratios of a run of minutes. The tap
is set to 99% of the limit. Its default, 190 of Cliniko's 200 (95%), leaves room for other
integrations that share the user's quota: a choice for the clinic to make, not a cost of the
pipeline, and with it the figure could not pass 0.95 x the records a request brings.

The default run reads the 10x clinic of scenario 2 (5,000 patients): every stream and keyset
window ends on a partial page and every keyset page repeats the rows of its last second, so a
request brings 93 records on average at 1,000 patients and 97.5 at 5,000 (one at a time).
The one-at-a-time reference is bound by latency alone, so its rate is steady and the default run
measures it over its first REFERENCE_SECONDS (`--full` reads the whole clinic).
"""

from __future__ import annotations

from typing import Any

from bench.clinics import WORK, serve_apart, tap_config, total_records
from bench.report import Row
from bench.tap_stream import run_tap

LIMIT = 2000  # requests a minute in the sandbox: Cliniko's 200, ten times faster
LATENCY_MS = 50  # Cliniko's ~500 ms, ten times faster
PER_PAGE = 100
REFERENCE_SECONDS = 60
TAP_SHARE = 0.99  # of the limit: 1% spare for arrival jitter at the window's edges


def run(options: Any) -> list[Row]:
    patients = options.extract_patients
    ceiling = LIMIT * PER_PAGE
    rows = []
    # Its own process: at ten times Cliniko's pace the simulator must not share the bench's CPU.
    with serve_apart(
        patients, rate_limit=LIMIT, rate_window_s=60, latency_ms=LATENCY_MS
    ) as sandbox:
        expected = total_records(sandbox)
        for workers in (4, 1):
            sandbox.reset_stats()
            config = tap_config(
                sandbox,
                WORK / "s1" / f"tap-{workers}.json",
                max_requests_per_minute=int(LIMIT * TAP_SHARE),
                max_concurrent_requests=workers,
            )
            stop_after = None if workers == 4 or options.full else REFERENCE_SECONDS
            run_ = run_tap(config, WORK / "s1" / f"tap-{workers}.log", stop_after)
            stats = sandbox.stats()
            requests = stats["requests"]
            label = "default (4 in flight)" if workers == 4 else "one request in flight"
            if run_.stopped:
                label += f", its first {REFERENCE_SECONDS} s"
            rows.append(
                Row(
                    scenario="1 extraction",
                    figure=f"records/min, {label}, {patients:,} patients",
                    value=run_.records_per_minute,
                    unit="records/min",
                    reference=f"ceiling {LIMIT}/min x {PER_PAGE} = {ceiling:,}/min",
                    ratio=run_.records_per_minute / ceiling,
                    goal=">= 0.9" if workers == 4 else "reference (< 0.5 expected)",
                    met=run_.records_per_minute / ceiling >= 0.9 if workers == 4 else None,
                    detail={
                        "records": run_.records,
                        "expected_records": expected,
                        "stopped_after_seconds": stop_after if run_.stopped else None,
                        "requests": requests,
                        "records_per_request": run_.records / max(requests, 1),
                        "requests_per_minute": requests / run_.wall_seconds * 60,
                        "rate_limited_429": stats.get("by_status", {}).get("429", 0),
                        "max_in_flight": stats.get("max_in_flight"),
                        "wall_seconds": run_.wall_seconds,
                        "latency_ms": LATENCY_MS,
                        "time_scale": 10,
                        "tap_requests_per_minute": int(LIMIT * TAP_SHARE),
                    },
                )
            )
    return rows
