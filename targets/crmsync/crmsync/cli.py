"""The `crmsync` command line: one subcommand per mode; the CRM is found by entry-point name."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from crmsync.commands import COMMANDS
from crmsync.context import CliContext, installed_crms
from crmsync.errors import CrmSyncError


def build_parser() -> argparse.ArgumentParser:
    """The parser: global options, then one subparser per registered command."""
    parser = argparse.ArgumentParser(
        prog="crmsync",
        description="Operate a CRM connection: plan, owners, estimate, diff, reconcile, report, "
        "rollback.",
    )
    parser.add_argument(
        "--crm",
        help="CRM name from the crmsync.crms entry points (default: the only one installed, "
        "or $CRMSYNC_CRM)",
    )
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        help="JSON config file of the CRM target (repeatable); the target's environment variables "
        "(e.g. TARGET_FRESHSALES_API_KEY) are read too",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors print one clear line and exit 2 (never a record body)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        context = CliContext.create(args.crm, args.config)
        return int(args.handler(context, args) or 0)
    except CrmSyncError as exc:
        print(f"crmsync: {exc}", file=sys.stderr)
        return 2
    finally:
        if "context" in locals():
            context.close()


__all__ = ["build_parser", "installed_crms", "main"]

if __name__ == "__main__":
    sys.exit(main())
