"""`crmsync diff`: read written records back from the CRM and compare every mapped field."""

from __future__ import annotations

import argparse

from crmsync.context import CliContext
from crmsync.diff import ObjectDiff, diff_object
from crmsync.diff_files import document, write_diff
from crmsync.diff_sources import IdMap, PublishRows
from crmsync.errors import ConfigError
from crmsync.owners import OwnerResolver
from crmsync.plan import needs_from_json
from crmsync.plan_files import plan_paths, read_plan
from crmsync.settings import reports_dir, store_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("diff", help="field-level diff: publish rows vs what the CRM stored")
    parser.add_argument("--staging", help="staging DuckDB file (default: the staging_path setting)")
    parser.add_argument("--run", type=int, help="only the records this run wrote (default: all)")
    parser.add_argument("--object", action="append", help="only this object (repeatable)")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print counts per object and field (never values), write JSON + CSV; 1 when any differ."""
    path = args.staging or context.config.get("staging_path")
    if not path:
        raise ConfigError("diff reads the publish tables: set staging_path or pass --staging")
    publish = PublishRows(path, context.target_class.publish_schema())
    specs = {s: spec for s, spec in context.specs.items() if not args.object or s in args.object}
    client = context.client()
    owners = None
    if any(spec.owner_field for spec in specs.values()):
        owners = OwnerResolver(client.list_users(), context.config.get("fallback_owner_email"))
    picklists = _picklists(context)
    ids = IdMap(store_path(context.config, context.crm))
    try:
        objects = {
            stream: diff_object(
                spec, client, ids, publish, owners, picklists.get(stream, frozenset()), args.run
            )
            for stream, spec in specs.items()
        }
    finally:
        ids.close()
    _print(objects)
    for written in write_diff(reports_dir(context.config), context.crm,
                              document(context.crm, objects, args.run)):  # fmt: skip
        print(f"written: {written}")
    bad = any(o.missing or any(f.different for f in o.fields.values()) for o in objects.values())
    return 1 if bad else 0


def _picklists(context: CliContext) -> dict[str, frozenset[str]]:
    """Picklist fields per object, from the setup plan when there is one (case is forgiven)."""
    json_path, _ = plan_paths(reports_dir(context.config), context.crm)
    try:
        needs = needs_from_json(read_plan(json_path))
    except ConfigError:
        return {}
    return {
        s: frozenset(n.name for n in fields if n.kind == "picklist") for s, fields in needs.items()
    }


def _print(objects: dict[str, ObjectDiff]) -> None:
    print(f"{'object':16} {'field':32} {'equal':>6} {'diff':>6} {'missing':>7}")
    for stream, o in objects.items():
        for name, f in sorted(o.fields.items()):
            print(f"{stream:16} {name:32} {f.equal:>6} {f.different:>6} {f.missing:>7}")
        if o.not_published:
            print(f"{stream:16} ({o.not_published} mapped records are no longer published)")
    records = sum(o.records for o in objects.values())
    different = sum(1 for o in objects.values() for f in o.fields.values() if f.different)
    missing = sum(o.missing for o in objects.values())
    print(f"{records} records compared; {different} field(s) differ; {missing} record(s) missing")
