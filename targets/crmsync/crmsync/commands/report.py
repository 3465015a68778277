"""`crmsync report`: the migration report as one self-contained HTML file plus JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from crmsync.commands.estimate import add_source_options
from crmsync.context import CliContext
from crmsync.report_html.render import build, write
from crmsync.settings import reports_dir, store_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("report", help="the migration report (HTML + JSON), offline")
    add_source_options(parser)
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Gather what earlier commands wrote (no CRM call) and write the report."""
    staging = args.staging or context.config.get("staging_path")
    publish = context.publish(staging)
    published = publish.row_counts(list(context.specs)) if publish else {}
    mapped = {}
    if store_path(context.config, context.crm).is_file():
        mapped = {s: context.store().count_mapped(s) for s in context.specs}
    document = build(
        context.crm,
        context.specs,
        reports_dir(context.config),
        Path(staging) if staging else None,
        Path(args.inventory),
        published,
        mapped,
        list(getattr(context.target_class, "not_migrated", ())),
    )
    html_path, json_path = write(reports_dir(context.config), context.crm, document)
    print(f"written: {html_path}\nwritten: {json_path}")
    return 0
