"""Benchmark: tap-cliniko CPU per record, this checkout beside another one (prints both).

Run against a Cliniko simulator with no limit and no latency, e.g.::

    uv run clinic-sandbox cliniko --data-dir DIR --port 8471 --rate-limit 1000000
    git archive <rev> tap-cliniko | tar -x -C <old>       # the version to compare with
    uv run python tests/tap_cliniko/bench_cpu.py --url http://127.0.0.1:8471/v1 \
        --other <old>/tap-cliniko --runs 3

Each run is the tap as a child process writing to a file; CPU is the child's utime + stime from
``os.wait4``, records are the RECORD lines it wrote. Runs of the two versions alternate, so a
busy machine slows both alike: compare the two columns, not one figure with yesterday's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE_PACKAGE = Path(__file__).resolve().parents[2] / "tap-cliniko"


def run_once(package_dir: Path, url: str, api_key: str, workdir: Path) -> dict[str, float]:
    """Run the tap in ``package_dir`` once; its CPU, records, wall time and peak RSS."""
    config = {
        "api_key": api_key,
        "user_agent": "tap-cliniko bench (bench@example.com)",
        "base_url": url,
        "max_requests_per_minute": 1_000_000,
        "attachments_dir": str(workdir / "attachments"),
        "inventory_path": str(workdir / "inventory.json"),
    }
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config))
    out_path = workdir / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(package_dir)}
    started = time.monotonic()
    with out_path.open("wb") as out, (workdir / "err.log").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tap_cliniko.tap", "--config", str(config_path)],
            stdout=out,
            stderr=err,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"tap failed ({status}); see {workdir / 'err.log'}")
    records = 0
    with out_path.open("rb") as lines:
        for line in lines:
            records += line.startswith(b'{"type":"RECORD"') or line.startswith(b'{"type": "RECORD"')
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "records": records,
        "cpu_s": cpu,
        "us_per_record": cpu / max(records, 1) * 1e6,
        "wall_s": wall,
        "peak_rss_mib": usage.ru_maxrss / 1024,
    }


def startup_cpu(package_dir: Path) -> float:
    """CPU seconds of ``--about``: interpreter start and imports, paid once per run."""
    env = {**os.environ, "PYTHONPATH": str(package_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tap_cliniko.tap", "--about"],
        stdout=subprocess.DEVNULL,
        env=env,
    )
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Alternate runs of this checkout and ``--other``; print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the simulator's API root, …/v1")
    parser.add_argument("--api-key", default="sandbox-key-au1")
    parser.add_argument("--other", type=Path, help="another tap-cliniko folder to compare with")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    variants = {"this checkout": HERE_PACKAGE}
    if args.other:
        variants["other"] = args.other.resolve()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for name, package_dir in variants.items():
                workdir = Path(tmp) / f"{name.replace(' ', '-')}-{run}"
                workdir.mkdir()
                result = run_once(package_dir, args.url, args.api_key, workdir)
                result["startup_cpu_s"] = startup_cpu(package_dir)
                result["us_per_record_after_startup"] = (
                    (result["cpu_s"] - result["startup_cpu_s"]) / max(result["records"], 1) * 1e6
                )
                results[name].append(result)
                print(f"run {run + 1} {name}: {json.dumps(result)}", flush=True)
    print("\nmedians:")
    for name, runs in results.items():
        medians = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        net = medians["us_per_record_after_startup"]
        print(
            f"  {name:14} {medians['records']:>8.0f} records  {medians['cpu_s']:6.1f} s CPU  "
            f"{medians['us_per_record']:6.1f} µs/record "
            f"({net:5.1f} after {medians['startup_cpu_s']:.1f} s "
            f"start-up)  {medians['wall_s']:6.1f} s wall  "
            f"{medians['peak_rss_mib']:6.1f} MiB peak"
        )


if __name__ == "__main__":
    main()
