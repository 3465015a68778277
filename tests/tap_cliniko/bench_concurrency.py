"""Benchmark: tap-cliniko throughput with 1 vs N requests in flight (prints ratios).

Run: uv run python tests/tap_cliniko/bench_concurrency.py [SPEED]   (SPEED=1: real time)
Time runs five times faster to keep it short: 100 ms API latency stands for Cliniko's ~0.5 s
and a 950/min limit for the real 190/min, so the ratios are those of a real run (as long as
the machine has CPU to spare: the fake API and the tap share this process).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pytest
import requests
import requests_mock

sys.path.insert(0, str(Path(__file__).parent))

from tap_fake_api import FakeCliniko
from tap_helpers import make_config, row, run_tap

STREAMS = {"patients": 4000, "individual_appointments": 3000, "invoices": 1500, "users": 40}
SPEED = int(sys.argv[1]) if len(sys.argv) > 1 else 5
LATENCY = 0.5 / SPEED
SCALED_LIMIT = 190 * SPEED


def build_api() -> FakeCliniko:
    api = FakeCliniko()
    start = dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc)
    for name, count in STREAMS.items():
        stamps = [start + dt.timedelta(minutes=37 * n) for n in range(count)]
        api.add(
            f"/{name}", [row(n, s.strftime("%Y-%m-%dT%H:%M:%SZ")) for n, s in enumerate(stamps)]
        )
    api.latency = LATENCY
    return api


def measure(workers: int, limit: int) -> tuple[float, int, int]:
    api = build_api()
    adapter = requests_mock.Adapter()
    api.install(adapter)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.Session, "get_adapter", lambda session, url: adapter)
        config = make_config(max_concurrent_requests=workers, max_requests_per_minute=limit)
        began = time.perf_counter()
        result = run_tap(config, set(STREAMS))
        elapsed = time.perf_counter() - began
    records = sum(len(result.records(name)) for name in STREAMS)
    assert records == sum(STREAMS.values()), "a run lost records"
    return elapsed, len(api.calls), records


def main() -> None:
    print(f"{sum(STREAMS.values())} records in {len(STREAMS)} streams, latency {LATENCY}s")
    for label, limit in (("at the scaled 190/min limit", SCALED_LIMIT), ("unlimited", 10**7)):
        runs = {workers: measure(workers, limit) for workers in (1, 4)}
        for workers, (elapsed, calls, records) in runs.items():
            per_minute = calls / elapsed * 60 / SPEED  # back to real-time requests a minute
            records_per_minute = records / elapsed * 60 / SPEED
            print(
                f"{label:28} workers={workers}: {elapsed:6.2f}s {calls:4d} requests "
                f"= {per_minute:6.0f} req/min real-time, {records_per_minute:8.0f} rec/min"
            )
        print(f"{label:28} speed-up 4 vs 1: {runs[1][0] / runs[4][0]:.2f}x")


if __name__ == "__main__":
    main()
