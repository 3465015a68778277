"""Run tap-cliniko alone and count the records it writes, with the time of the first and last.

The records-per-minute figure is taken between the first and the last record so that process
start-up (imports, discovery: about a second, nothing to do with the API) does not count against
a run that is scaled down to seconds; the real run it stands for lasts hours.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.procs import script

MARKERS = (b'"type":"RECORD"', b'"type": "RECORD"')
CHUNK = 1 << 20


@dataclass
class TapRun:
    records: int
    first: float
    last: float
    wall_seconds: float
    cpu_seconds: float
    stopped: bool = False  # ended by ``stop_after``, not at the end of the clinic

    @property
    def records_per_minute(self) -> float:
        span = self.last - self.first
        return (self.records - 1) / span * 60 if span > 0 else 0.0


def run_tap(config: Path, log: Path, stop_after: float | None = None) -> TapRun:
    """tap-cliniko --config config, its output counted and discarded; raises on failure.

    ``stop_after`` ends the run (SIGTERM) that many seconds after its first record: a rate
    that is steady over the run (one request at a time is bound by latency alone) is measured
    over a slice of it instead of hours of the real thing.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    first = last = 0.0
    records = 0
    tail = b""
    stopped = False
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [script("tap-cliniko"), "--config", str(config)], stdout=subprocess.PIPE, stderr=err
        )
        assert proc.stdout is not None
        while chunk := proc.stdout.read1(CHUNK):
            now = time.perf_counter()
            # A marker may straddle two chunks: search the joint, then keep a short tail.
            window = tail + chunk
            found = sum(window.count(m) for m in MARKERS)
            found -= sum(tail.count(m) for m in MARKERS)
            if found:
                first = first or now
                last = now
                records += found
            tail = chunk[-32:]
            if stop_after is not None and first and now - first >= stop_after:
                stopped = True
                break
        watchdog = threading.Timer(30, proc.kill)  # should a stopped tap not end on its own
        if stopped:
            # Close the pipe as well: the SDK's SIGTERM handler writes a last STATE, which would
            # block on a pipe nobody reads.
            proc.terminate()
            proc.stdout.close()
            watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not stopped:
        raise RuntimeError(f"tap-cliniko exited {code}; see {log}")
    return TapRun(
        records=records,
        first=first,
        last=last,
        wall_seconds=time.perf_counter() - started,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        stopped=stopped,
    )
