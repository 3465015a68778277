"""Generated clinics, cached under output/bench/clinics/ by (patients, seed), and served.

Generating 100,000 patients takes about six minutes, so a clinic is generated once and reused
by every later run. The clinic's "now" is pinned so that the cache key stays valid across days.
A scenario that changes records (the delta) works on a copy, so the cache stays pristine.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clinic_sandbox.cliniko.behaviour import DEFAULT_API_KEY
from clinic_sandbox.testing import USER_AGENT, ClinikoSandbox, cliniko_sandbox

from bench.procs import script

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "output" / "bench"
SEED = 7
AS_OF = 1_793_491_200  # 2026-11-01T00:00:00Z: a fixed "now" keeps the cache key stable
NO_LIMIT = 10**9


def clinic_dir(patients: int, seed: int = SEED) -> Path:
    return WORK / "clinics" / f"p{patients}-s{seed}"


@contextmanager
def serve(
    patients: int, *, copy_to: Path | None = None, **behaviour: Any
) -> Iterator[ClinikoSandbox]:
    """Serve the cached clinic (generating it the first time); `copy_to` serves a private copy."""
    folder = clinic_dir(patients)
    behaviour.setdefault("rate_limit", NO_LIMIT)
    if copy_to is not None:
        with cliniko_sandbox(patients=patients, seed=SEED, as_of=AS_OF, data_dir=folder):
            pass  # make sure the cache exists before copying it
        shutil.rmtree(copy_to, ignore_errors=True)
        shutil.copytree(folder, copy_to)
        folder = copy_to
    with cliniko_sandbox(
        patients=patients, seed=SEED, as_of=AS_OF, data_dir=folder, **behaviour
    ) as sandbox:
        yield sandbox


def total_records(sandbox: ClinikoSandbox, streams: set[str] | None = None) -> int:
    """Every row the tap must extract (hidden rows included), from the live counts."""
    counts = sandbox.live_counts()
    return sum(c["total"] for name, c in counts.items() if streams is None or name in streams)


def tap_config(sandbox: ClinikoSandbox, path: Path, **settings: Any) -> Path:
    """A tap-cliniko config file for this sandbox (mode 0600, like any file holding a key)."""
    config = {
        "api_key": sandbox.api_key,
        "user_agent": sandbox.user_agent,
        "base_url": sandbox.base_url,
        "max_requests_per_minute": NO_LIMIT,
        "inventory_path": str(path.parent / "inventory.json"),
        **settings,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    return path


@contextmanager
def serve_apart(patients: int, **behaviour: Any) -> Iterator[ClinikoSandbox]:
    """Serve the cached clinic from its own process (`clinic-sandbox cliniko`).

    The in-process sandbox shares the bench's interpreter (its lock and its samplers); where the
    sandbox's own speed decides the figure (scenario 1, at a scaled ceiling), it gets a process.
    """
    with serve(patients):
        pass  # make sure the cache exists, as serve() generates it
    folder = clinic_dir(patients)
    argv = [
        script("clinic-sandbox"),
        "cliniko",
        "--patients",
        str(patients),
        "--seed",
        str(SEED),
        "--as-of",
        dt.datetime.fromtimestamp(AS_OF, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "--data-dir",
        str(folder),
        "--port",
        "0",
        "--log-level",
        "warning",
        *(f"--{name.replace('_', '-')}={value}" for name, value in behaviour.items()),
    ]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        root = _listening_root(process)
        sandbox = ClinikoSandbox(
            base_url=f"{root}/v1",
            api_key=DEFAULT_API_KEY,
            user_agent=USER_AGENT,
            counts={},
            data_dir=folder,
            admin_url=f"{root}/_admin",
            storage_url="",
        )
        sandbox.counts = sandbox.live_counts()
        yield sandbox
    finally:
        process.terminate()
        process.wait(timeout=30)


def _listening_root(process: subprocess.Popen[str]) -> str:
    """Read the simulator's start-up lines until it says where it listens."""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Cliniko simulator on "):
            return line.split(" on ", 1)[1].strip().removesuffix("/v1")
    raise RuntimeError("the Cliniko simulator exited before listening")
