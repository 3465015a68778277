"""Run a Singer pipeline (tap | target ...) and measure each process: CPU seconds and peak RSS.

CPU: os.wait4 returns the rusage of each finished child (its own plus its waited-for children),
so the figure covers the whole process tree without psutil. Peak RSS: not ru_maxrss, because
Linux carries the parent's high-water mark through fork and exec (every child would report at
least this harness's ~110 MiB); instead /proc/<pid>/status VmHWM, the high-water mark of the
child's own address space, is sampled every 50 ms until the process exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BIN = Path(sys.executable).parent  # the workspace venv's console scripts live beside python


@dataclass
class Stage:
    name: str
    argv: list[str]


@dataclass
class Measured:
    name: str
    cpu_seconds: float
    peak_rss_mib: float
    returncode: int


@dataclass
class PipelineRun:
    wall_seconds: float
    processes: list[Measured] = field(default_factory=list)

    @property
    def cpu_seconds(self) -> float:
        return sum(p.cpu_seconds for p in self.processes)

    def process(self, name: str) -> Measured:
        return next(p for p in self.processes if p.name == name)


class PeakWatcher(threading.Thread):
    """Samples VmHWM (kB) of one pid until told to stop; keeps the largest value seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(0.05)

    def sample(self) -> None:
        try:
            for line in self.status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kib = max(self.peak_kib, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # gone, or a zombie without memory lines


def script(name: str) -> str:
    """A console script of the workspace venv (tap-cliniko, target-staging, dbt ...)."""
    return str(BIN / name)


def run_pipeline(
    stages: list[Stage],
    logs: Path,
    stdout: IO[bytes] | None = None,
    stdin: IO[bytes] | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
) -> PipelineRun:
    """Start the stages connected by pipes; the last one's stdout goes to `stdout` (or nowhere).

    Each stage's stderr goes to `logs/<name>.log` (the tools log no record bodies). Raises when
    a stage fails, naming its log (unless `check` is false: dbt exits 1 when a test fails).
    """
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    procs: list[tuple[Stage, subprocess.Popen[bytes], PeakWatcher]] = []
    upstream: IO[bytes] | None = stdin
    for index, stage in enumerate(stages):
        last = index == len(stages) - 1
        with open(logs / f"{stage.name}.log", "wb") as log:
            proc = subprocess.Popen(
                stage.argv,
                stdin=upstream if upstream is not None else subprocess.DEVNULL,
                stdout=(stdout if stdout is not None else subprocess.DEVNULL)
                if last
                else subprocess.PIPE,
                stderr=log,
                env=env,
                cwd=cwd,
            )
        if upstream is not None and upstream is not stdin:
            upstream.close()  # the child holds it now; closing ours lets EOF/SIGPIPE through
        upstream = proc.stdout
        watcher = PeakWatcher(proc.pid)
        watcher.start()
        procs.append((stage, proc, watcher))
    run = PipelineRun(wall_seconds=0.0)
    for stage, proc, watcher in procs:
        # waitid(WNOWAIT) lets the last sample happen while the exited child still has its pid.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        watcher.done.set()
        watcher.join()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        run.processes.append(Measured(stage.name, cpu, watcher.peak_kib / 1024, proc.returncode))
    run.wall_seconds = time.perf_counter() - started
    for measured in run.processes:
        if check and measured.returncode != 0:
            raise RuntimeError(
                f"{measured.name} exited {measured.returncode}; see {logs / measured.name}.log"
            )
    return run
