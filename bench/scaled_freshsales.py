"""target-freshsales with its rate-limit windows shortened by BENCH_WINDOW_SCALE (bench only).

The simulator can shorten its hour and minute windows (`window_scale`); the target's limiter has
fixed 3600 s and 60 s windows. Scaling both by the same factor keeps the documented limits
(1,000 calls an hour, 400 a minute) and only makes time pass faster, so a run of minutes behaves
like a run of hours. Run: `python -m bench.scaled_freshsales --config ...`.
"""

from __future__ import annotations

import os

from target_freshsales.client import FreshsalesClient
from target_freshsales.target import TargetFreshsales

SCALE = float(os.environ.get("BENCH_WINDOW_SCALE", "1"))
FreshsalesClient.default_windows = tuple(
    (seconds * SCALE, calls) for seconds, calls in FreshsalesClient.default_windows
)

if __name__ == "__main__":
    TargetFreshsales.cli()
