"""`crmsync runs`: the runs the sync store remembers, newest first."""

from __future__ import annotations

import argparse
import json

from crmsync.context import CliContext


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("runs", help="list the runs in the sync store")
    parser.add_argument("--limit", type=int, default=20, help="how many runs (20)")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print one line per run with its totals."""
    for row in context.store().runs()[: args.limit]:
        counts = json.loads(row["counts"] or "{}")
        totals = {
            k: sum(c.get(k, 0) for c in counts.values())
            for k in ("received", "created", "updated", "unchanged", "rejected")
        }
        summary = " ".join(f"{k}={v}" for k, v in totals.items())
        print(f"{row['run_id']:>5} {row['mode']:8} {row['status']:10} {row['started']} {summary}")
    return 0
