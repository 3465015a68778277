"""The registered subcommands; a new mode is one module with `add_parser` added to COMMANDS."""

from __future__ import annotations

from crmsync.commands import diff, estimate, owners, plan, reconcile, report, rollback, runs

COMMANDS = (owners, reconcile, runs, plan, estimate, diff, rollback, report)
