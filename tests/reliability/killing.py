"""Start a pipeline step, SIGKILL one of its processes at a chosen point, keep what it left.

A point is a count of progress the test can watch from outside: Cliniko requests served (tap,
staging load), dbt models finished (its log), CRM write calls (target). The counts are drawn from
a seeded generator, so every run of the suite kills at the same points.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from e2e_pipeline import Pipeline, console, write_config

WAIT_SECONDS = 180


def wait_then_kill(
    process: subprocess.Popen[bytes] | int, progress: Callable[[], int], point: int
) -> int:
    """SIGKILL `process` (a Popen or a pid) once `progress()` reaches `point`; the progress then."""
    deadline = time.monotonic() + WAIT_SECONDS
    while progress() < point:
        if isinstance(process, subprocess.Popen):
            assert process.poll() is None, "the step finished before the kill point"
        assert time.monotonic() < deadline, "the kill point was never reached"
        time.sleep(0.005)
    os.kill(process if isinstance(process, int) else process.pid, signal.SIGKILL)
    return progress()


def start_extraction(
    pipeline: Pipeline, tap_config: dict[str, Any]
) -> tuple[subprocess.Popen[bytes], subprocess.Popen[bytes]]:
    """tap-cliniko | target-staging in the background, from the folder's saved state if any.
    `tap_config` is another folder's tap config (same clinic); its file paths are moved here."""
    config = write_config(
        pipeline.work / "tap-cliniko.json",
        {
            **tap_config,
            "attachments_dir": str(pipeline.work / "attachments"),
            "inventory_path": str(pipeline.work / "inventory.json"),
        },
    )
    loader_config = write_config(
        pipeline.work / "target-staging.json", {"path": str(pipeline.staging)}
    )
    state = pipeline.work / "state.json"
    args = [console("tap-cliniko"), "--config", str(config)]
    if state.exists():
        args += ["--state", str(state)]
    tap = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    loader = subprocess.Popen(
        [console("target-staging"), "--config", str(loader_config)],
        stdin=tap.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert tap.stdout is not None
    tap.stdout.close()  # the loader holds the pipe now: a dead loader breaks the tap's writes
    return tap, loader


def extract_killed(
    pipeline: Pipeline, tap_config: dict[str, Any], victim: str, point: int
) -> tuple[str | None, int]:
    """tap-cliniko | target-staging with `victim` ("tap" or "loader") killed after `point`
    Cliniko requests. Returns the last STATE the loader emitted (what Meltano would keep: it
    stores every state a target emits, a failed run's too) and the requests served by then."""
    start = pipeline.cliniko.stats()["requests"]

    def served() -> int:
        return pipeline.cliniko.stats()["requests"] - start

    tap, loader = start_extraction(pipeline, tap_config)
    killed = tap if victim == "tap" else loader
    try:
        reached = wait_then_kill(killed, served, point)
        out, _ = loader.communicate(timeout=WAIT_SECONDS)
    finally:
        for process in (tap, loader):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=WAIT_SECONDS)
    assert killed.returncode == -signal.SIGKILL  # it was still running: the kill cut it short
    states = [line for line in out.decode().splitlines() if line.strip()]
    if states:
        (pipeline.work / "state.json").write_text(states[-1])  # the next run resumes from it
    return (states[-1] if states else None), reached


def dbt_process(dbt_target: Path) -> int | None:
    """The pid of this process's child `dbt build` writing into `dbt_target`, if running."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if (
            parent == os.getpid()
            and str(dbt_target).encode() in argv
            and any(a.endswith(b"/dbt") for a in argv)
        ):
            return int(entry.name)
    return None


def models_done(log: Path) -> int:
    """dbt models, seeds and tests finished so far, from its log file."""
    if not log.exists():
        return 0
    lines = log.read_text(errors="replace").splitlines()
    return sum(1 for line in lines if " OK " in line or " PASS " in line)


def transform_killed(pipeline: Pipeline, models: int) -> int:
    """`dbt build` (the Freshsales lineage) killed once `models` more models have finished."""
    log = pipeline.work / "dbt-logs" / "dbt.log"
    start = models_done(log)
    failed: list[AssertionError] = []

    def build() -> None:
        try:
            pipeline.transform(pipeline.lineage())
        except AssertionError as exc:  # the helper asserts exit 0: a killed dbt fails it
            failed.append(exc)

    builder = threading.Thread(target=build)
    builder.start()
    deadline = time.monotonic() + WAIT_SECONDS
    while models_done(log) - start < models:
        assert builder.is_alive(), "dbt finished before the kill point"
        assert time.monotonic() < deadline, "the kill point was never reached"
        time.sleep(0.02)
    pid = dbt_process(pipeline.dbt_target)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    builder.join(WAIT_SECONDS)
    assert failed, "dbt finished despite the kill"
    return models_done(log) - start


def write_calls(stats: dict[str, Any]) -> int:
    """CRM calls that can change it (Freshsales simulator stats)."""
    methods = ("POST ", "PUT ", "PATCH ", "DELETE ")
    return sum(n for route, n in stats["by_route"].items() if route.startswith(methods))


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
