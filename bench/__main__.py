"""`make bench` / `python -m bench`: run the scenarios, print one table, write it as JSON.

Default scale: clinics of 500 and 5,000 patients ("1x / 10x"), the CRM scenarios at 500 and the
extraction at 5,000, with the stock pipeline at both scales (scenario 2 is judged at 10x): under
15 minutes on the 2-core development machine. `--full` is the headline: 10,000 and 100,000
patients, the CRM scenarios at 1,000.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from bench import (
    s1_extraction,
    s2_throughput,
    s3_dbt,
    s4_crm_ceiling,
    s5_delta,
    s6_memory,
    s7_estimate,
)
from bench.report import Row, table, write_json

RESULTS = Path(__file__).resolve().parent / "results"
# Run order: 5 before 4 and 7 (they read its migration), 2 and 3 before 6 (it reads their peaks).
SCENARIOS = {
    "1": lambda o, ctx: s1_extraction.run(o),
    "2": s2_throughput.run,
    "3": s3_dbt.run,
    "5": s5_delta.run,
    "4": s4_crm_ceiling.run,
    "6": s6_memory.run,
    "7": s7_estimate.run,
}
# What each scenario reads from another; left out, it prints "not available" saying which.
NEEDS = {"3": "2", "6": "2", "4": "5", "7": "5"}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--full", action="store_true", help="10,000 / 100,000 patients")
    parser.add_argument("--scales", help="two clinic sizes, 1x and 10x (e.g. 1000,10000)")
    parser.add_argument("--extract-patients", type=int, help="clinic size of scenario 1")
    parser.add_argument("--crm-patients", type=int, help="clinic size of scenarios 4, 5, 7")
    parser.add_argument(
        "--stock-at",
        choices=("1x", "both"),
        help="scales the stock pipeline runs at (default: both; 1x saves minutes, judged at 1x)",
    )
    parser.add_argument("--only", help="comma list of scenarios (1-7), e.g. 2,3,6")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON")
    options = parser.parse_args(argv)
    default_scales = "10000,100000" if options.full else "500,5000"
    options.scales = [int(n) for n in (options.scales or default_scales).split(",")]
    if len(options.scales) != 2:
        parser.error("--scales takes two sizes")
    options.extract_patients = options.extract_patients or (10000 if options.full else 5000)
    options.crm_patients = options.crm_patients or (1000 if options.full else 500)
    options.stock_at = options.stock_at or "both"
    wanted = set((options.only or ",".join(SCENARIOS)).split(","))
    options.selected = [s for s in SCENARIOS if s in wanted]
    return options


class LoadSampler(threading.Thread):
    """The 1-minute load average every 15 s: the machine is shared, so the run says how busy."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append(os.getloadavg()[0])
            self.done.wait(15)

    def summary(self) -> dict[str, float]:
        samples = self.samples or [os.getloadavg()[0]]
        return {"mean": sum(samples) / len(samples), "max": max(samples), "min": min(samples)}


def whole_run(seconds: float, options: argparse.Namespace, load: dict[str, float]) -> Row:
    """The bench's own wall time: the default run must fit in 15 minutes on this machine."""
    default = not options.full and options.only is None
    # CPU of the harness (its simulator threads) and of every process it waited for: on a
    # machine of its own, the bench could not take less than this over the cores.
    cpu = sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )
    cores = os.cpu_count() or 1
    return Row(
        "all",
        "wall time of the whole bench" + ("" if default else " (not the default run)"),
        seconds / 60,
        "min",
        f"15 min for the default scale; it used {cpu / 60:,.1f} CPU min "
        f"(>= {cpu / 60 / cores:,.1f} min on {cores} idle cores); load average {load['mean']:.1f} "
        f"(max {load['max']:.1f})",
        seconds / 60 / 15,
        "<= 1" if default else "",
        seconds / 60 <= 15 if default else None,
        {"cpu_seconds": cpu, "load_average_1min": load},
    )


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    ctx: dict[str, Any] = {}
    rows: list[Row] = []
    began = time.perf_counter()
    load = LoadSampler()
    load.start()
    for key in options.selected:
        print(f"scenario {key} ...", flush=True)
        started = time.perf_counter()
        need = NEEDS.get(key)
        if need is not None and need not in options.selected:
            rows.append(Row(key, "skipped", None, "", f"not available: needs scenario {need}"))
            continue
        try:
            rows += SCENARIOS[key](options, ctx)
        except Exception as error:  # one broken scenario must not hide the others' figures
            traceback.print_exc()
            rows.append(Row(key, "failed", None, "", f"error: {type(error).__name__}: {error}"))
        print(f"scenario {key} done in {time.perf_counter() - started:.0f} s", flush=True)
    rows.sort(key=lambda r: r.scenario.split()[0])
    seconds = time.perf_counter() - began
    load.done.set()
    rows.append(whole_run(seconds, options, load.summary()))
    print()
    print(table(rows))
    settings = {
        "scales": options.scales,
        "extract_patients": options.extract_patients,
        "crm_patients": options.crm_patients,
        "stock_at": options.stock_at,
        "scenarios": options.selected,
    }
    path = write_json(rows, settings, options.out, seconds)
    print(f"\n{len(rows)} rows in {seconds / 60:.1f} min; written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
