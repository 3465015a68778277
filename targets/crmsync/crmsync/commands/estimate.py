"""`crmsync estimate`: API calls per object and the minimum wall time, before a full run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crmsync.context import CliContext
from crmsync.errors import ConfigError
from crmsync.estimate import duration_text, estimate, read_inventory
from crmsync.report import write_json_report
from crmsync.settings import reports_dir, store_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("estimate", help="API calls and minimum time a full run needs")
    add_source_options(parser)
    parser.set_defaults(handler=run)


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """`--staging` and `--inventory`: where the counts come from (estimate, report)."""
    parser.add_argument("--staging", help="staging DuckDB file (default: the staging_path setting)")
    parser.add_argument(
        "--inventory",
        default=str(Path("output") / "inventory.json"),
        help="tap-cliniko inventory JSON, shown when present (output/inventory.json)",
    )


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print the table and write <crm>-estimate.json (no CRM call is made)."""
    publish = context.publish(args.staging)
    if publish is None:
        raise ConfigError("estimate reads the publish tables: set staging_path or pass --staging")
    rows = publish.row_counts(list(context.specs))
    # The id map tells how much a re-run would already skip; only read when the store exists.
    mapped = None
    if store_path(context.config, context.crm).is_file():
        mapped = {s: context.store().count_mapped(s) for s in context.specs}
    document = estimate(context.specs, context.client(), rows, mapped)
    document["crm"] = context.crm
    document["inventory"] = read_inventory(Path(args.inventory))
    _print(document)
    path = write_json_report(reports_dir(context.config) / f"{context.crm}-estimate.json", document)
    print(f"written: {path}")
    return 0


def _print(document: dict[str, Any]) -> None:
    inventory = document["inventory"]
    if inventory:
        print(f"Cliniko inventory: {inventory['total_records']} records")
    print(f"{'object':16} {'records':>8} {'calls':>7} {'per rec':>8} {'alone':>8}")
    for o in document["objects"]:
        per = "-" if o["calls_per_record"] is None else f"{o['calls_per_record']:.2f}"
        records = "-" if o["records"] is None else str(o["records"])
        alone = duration_text(o["minimum_seconds_alone"])
        print(f"{o['object']:16} {records:>8} {o['calls']:>7} {per:>8} {alone:>8}")
    limits = ", ".join(f"{w['max_calls']}/{int(w['seconds'])}s" for w in document["limits"])
    print(
        f"total: {document['total_records']} records, {document['total_calls']} API calls "
        f"(incl. preflight); limits {limits or 'none'}; minimum "
        f"{duration_text(document['minimum_seconds'])}, at the sustained rate "
        f"{duration_text(document['sustained_seconds'])}"
    )
