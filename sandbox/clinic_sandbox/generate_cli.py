"""`clinic-sandbox generate`: write a synthetic clinic to a folder and print its counts."""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone
from pathlib import Path

from clinic_sandbox.clinic.generator import GenerateOptions, generate_clinic


def parse_as_of(value: str) -> int:
    """`2026-01-01` or `2026-01-01T00:00:00Z` to epoch seconds (UTC)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of: not a date or date-time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp())


def add_clinic_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--patients", type=int, default=500, help="clinic size (default 500)")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same clinic (default 7)")
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        default=None,
        help="the clinic's 'now' (UTC date or date-time); default: today 00:00 UTC",
    )


def clinic_options(args: argparse.Namespace) -> GenerateOptions:
    if args.patients < 1:
        raise SystemExit("--patients must be at least 1")
    return GenerateOptions(patients=args.patients, seed=args.seed, as_of=args.as_of)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_clinic_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for clinic.sqlite")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    counts = generate_clinic(args.out, clinic_options(args))
    seconds = time.perf_counter() - started
    rows = sum(c["total"] for c in counts.values())
    print(json.dumps(counts, indent=2, sort_keys=True))
    print(f"{rows} records in {seconds:.1f} s -> {args.out}")
    return 0
