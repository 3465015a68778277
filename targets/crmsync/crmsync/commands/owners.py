"""`crmsync owners`: practitioner emails → CRM users (matched, fallback, unmatched) and counts."""

from __future__ import annotations

import argparse
import collections
from typing import Any

from crmsync.context import CliContext
from crmsync.errors import ConfigError
from crmsync.owners import OwnerResolver
from crmsync.report import write_json_report
from crmsync.settings import reports_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("owners", help="match practitioners to CRM users by email")
    parser.add_argument("--staging", help="staging DuckDB file (default: the staging_path setting)")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print the owner table, write <crm>-owners.json; exit 1 if an owner has no user/fallback."""
    publish = context.publish(args.staging)
    if publish is None:
        raise ConfigError("owners reads the publish tables: set staging_path or pass --staging")
    owned = [
        s.stream for s in context.specs.values() if s.owner_field or s.write_only_if_owner_unmatched
    ]
    per_stream = publish.owner_emails(owned)
    resolver = OwnerResolver(
        context.client().list_users(), context.config.get("fallback_owner_email")
    )
    rows = _rows(resolver, per_stream)
    _print(rows, resolver)
    document = {
        "crm": context.crm,
        "fallback": resolver.fallback.email if resolver.fallback else None,
        "owners": rows,
    }
    path = write_json_report(reports_dir(context.config) / f"{context.crm}-owners.json", document)
    print(f"written: {path}")
    return 1 if any(r["status"] == "unmatched" for r in rows) else 0


def _rows(resolver: OwnerResolver, per_stream: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    emails: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for stream, counts in per_stream.items():
        for email, n in counts.items():
            emails[email][stream] += n
    rows = []
    for email in sorted(emails):
        match = resolver.match(email)
        status = "matched" if match.matched else ("fallback" if match.user_id else "unmatched")
        rows.append(
            {
                "email": email,
                "status": status,
                "crm_user_id": match.user_id,
                "records": sum(emails[email].values()),
                "records_per_object": dict(sorted(emails[email].items())),
            }
        )
    return rows


def _print(rows: list[dict[str, Any]], resolver: OwnerResolver) -> None:
    counts = collections.Counter(r["status"] for r in rows)
    print(f"{'email':40} {'status':10} {'crm user':14} records")
    for r in rows:
        print(f"{r['email']:40} {r['status']:10} {r['crm_user_id'] or '-':14} {r['records']}")
    fallback = resolver.fallback.email if resolver.fallback else "none (set fallback_owner_email)"
    print(
        f"matched {counts['matched']}, fallback {counts['fallback']}, "
        f"unmatched {counts['unmatched']}; fallback owner: {fallback}"
    )
