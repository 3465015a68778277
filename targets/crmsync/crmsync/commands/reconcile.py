"""`crmsync reconcile`: counts per object from the publish tables, the id map and the CRM."""

from __future__ import annotations

import argparse
from typing import Any

from crmsync.context import CliContext
from crmsync.report import write_json_report
from crmsync.settings import reports_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("reconcile", help="publish rows vs id map vs CRM count, per object")
    parser.add_argument("--staging", help="staging DuckDB file (default: the staging_path setting)")
    parser.add_argument("--no-crm", action="store_true", help="skip reading counts from the CRM")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print the table, write <crm>-reconcile.json; exit 1 when a known count disagrees."""
    store = context.store()
    publish = context.publish(args.staging)
    streams = list(context.specs)
    published = publish.row_counts(streams) if publish else {}
    pending: dict[str, int] = {}
    for intent in store.pending_intents():
        pending[intent.object] = pending.get(intent.object, 0) + 1
    rows = []
    for stream, spec in context.specs.items():
        in_crm = None if args.no_crm else context.client().count(spec)
        rows.append(
            _row(stream, published.get(stream), store.count_mapped(stream), in_crm, pending)
        )
    print(f"{'object':16} {'publish':>8} {'id map':>8} {'in CRM':>8} {'pending':>8}  ok")
    for r in rows:
        cells = [_cell(r[k]) for k in ("publish_rows", "id_map", "crm_count", "pending_intents")]
        print(
            f"{r['object']:16} "
            + " ".join(f"{c:>8}" for c in cells)
            + f"  {'yes' if r['ok'] else 'NO'}"
        )
    last = store.runs()[:1]
    document = {"crm": context.crm, "objects": rows, "last_run": last[0] if last else None}
    path = write_json_report(
        reports_dir(context.config) / f"{context.crm}-reconcile.json", document
    )
    print(f"written: {path}")
    return 0 if all(r["ok"] for r in rows) else 1


def _row(
    stream: str, published: int | None, mapped: int, in_crm: int | None, pending: dict[str, int]
) -> dict[str, Any]:
    known = [n for n in (published, mapped, in_crm) if n is not None]
    return {
        "object": stream,
        "publish_rows": published,
        "id_map": mapped,
        "crm_count": in_crm,
        "pending_intents": pending.get(stream, 0),
        # The CRM may hold records made by hand: it may exceed the id map, never fall short.
        "ok": (published is None or published == mapped)
        and (in_crm is None or in_crm >= mapped)
        and not pending.get(stream)
        and bool(known),
    }


def _cell(value: int | None) -> str:
    return "-" if value is None else str(value)
