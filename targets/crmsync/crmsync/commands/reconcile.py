"""`crmsync reconcile`: counts per object, then per Cliniko entity, from staging, store and CRM.

Two tables. Per CRM object: publish rows vs id map vs the CRM's own count vs pending intents.
Per Cliniko entity (when the staging file holds dbt's `audit.audit__<crm>_reconciliation`): where
every Cliniko record went, joined with the sync store's count of those records in the id map and
what the latest run did with them (in the CRM = created, updated or unchanged; rejected).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from crmsync.context import CliContext
from crmsync.errors import ConfigError
from crmsync.report import write_json_report
from crmsync.settings import reports_dir

MODEL_COLUMNS = (
    "cliniko_entity",
    "cliniko_count",
    "destination",
    "crm_object",
    "reason",
    "source_id_prefixes",
    "may_be_rejected",
    "record_count",
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser(
        "reconcile", help="publish rows vs id map vs CRM count per object; Cliniko entities"
    )
    parser.add_argument("--staging", help="staging DuckDB file (default: the staging_path setting)")
    parser.add_argument("--no-crm", action="store_true", help="skip reading counts from the CRM")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print the tables, write <crm>-reconcile.json; exit 1 when something does not add up."""
    store = context.store()
    publish = context.publish(args.staging)
    streams = list(context.specs)
    published = publish.row_counts(streams) if publish else {}
    pending: dict[str, int] = {}
    for intent in store.pending_intents():
        pending[intent.object] = pending.get(intent.object, 0) + 1
    last = store.runs()[:1]
    latest = last[0] if last else None
    breakdown = store.entity_breakdown(latest["run_id"] if latest else None)
    rows = []
    for stream, spec in context.specs.items():
        in_crm = None if args.no_crm else context.client().count(spec)
        run_total = _run_total(breakdown, stream)
        rows.append(
            _row(stream, published.get(stream), store.count_mapped(stream), in_crm, pending)
            | _accounted_by_run(published.get(stream), run_total)
        )
    _print_objects(rows)
    staging = args.staging or context.config.get("staging_path")
    model = _read_model(Path(staging), context.crm) if staging else None
    entities = _entities(model, breakdown) if model is not None else None
    if entities is None:
        print(f"(no audit.audit__{context.crm}_reconciliation in the staging file: dbt build it)")
    else:
        _print_entities(entities)
    objects = [{k: v for k, v in r.items() if k != "accounted_by_run"} for r in rows]
    document = {"crm": context.crm, "objects": objects, "last_run": latest, "cliniko": entities}
    path = write_json_report(
        reports_dir(context.config) / f"{context.crm}-reconcile.json", document
    )
    print(f"written: {path}")
    objects_ok = all(r["ok"] or _object_ok_by_run(r) for r in rows)
    return 0 if objects_ok and all(e["ok"] for e in entities or []) else 1


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


def _accounted_by_run(published: int | None, run_total: dict[str, int]) -> dict[str, bool]:
    """Publish rows the id map lacks still add up when the latest run rejected them with a reason
    (a practitioner who is a CRM user, a file not downloaded): the entity table judges those."""
    written, rejected = run_total.get("in_crm", 0), run_total.get("rejected", 0)
    return {"accounted_by_run": published is not None and published == written + rejected}


def _print_objects(rows: list[dict[str, Any]]) -> None:
    print(f"{'object':16} {'publish':>8} {'id map':>8} {'in CRM':>8} {'pending':>8}  ok")
    for r in rows:
        cells = [_cell(r[k]) for k in ("publish_rows", "id_map", "crm_count", "pending_intents")]
        # "by run": the id map differs, but the latest run wrote or refused every publish row.
        ok = "yes" if r["ok"] else ("by run" if _object_ok_by_run(r) else "NO")
        print(f"{r['object']:16} " + " ".join(f"{c:>8}" for c in cells) + f"  {ok}")


def _object_ok_by_run(row: dict[str, Any]) -> bool:
    crm_short = row["crm_count"] is not None and row["crm_count"] < row["id_map"]
    return row["accounted_by_run"] and not row["pending_intents"] and not crm_short


def _run_total(breakdown: dict[tuple[str, str], dict[str, int]], obj: str) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for (name, _), counts in breakdown.items():
        if name == obj:
            for key in ("in_crm", "rejected"):
                total[key] += counts.get(key, 0)
    return total


def _read_model(staging: Path, crm: str) -> list[dict[str, Any]] | None:
    """The rows of `audit.audit__<crm>_reconciliation`, read-only; None when absent."""
    if not staging.is_file():
        return None
    try:
        con = duckdb.connect(str(staging), read_only=True)
    except duckdb.Error as exc:  # locked by a writer, encrypted ...
        raise ConfigError(
            f"cannot open staging_path {staging.name!r} read-only ({type(exc).__name__})"
        ) from exc
    table = f"audit__{crm}_reconciliation"
    try:
        found = con.execute(
            "select 1 from information_schema.tables where table_schema = 'audit' "
            "and table_name = ?",
            [table],
        ).fetchone()
        if not found:
            return None
        # The CRM name comes from the installed entry points, never from input.
        cursor = con.execute(
            f'select {", ".join(MODEL_COLUMNS)} from audit."{table}" '  # noqa: S608
            "order by cliniko_entity, record_count desc, destination"
        )
        return [dict(zip(MODEL_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _entities(
    model: list[dict[str, Any]], breakdown: dict[tuple[str, str], dict[str, int]]
) -> list[dict[str, Any]]:
    """One document per Cliniko entity: its destinations, and per CRM object the store's counts."""
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in model:
        by_entity[row["cliniko_entity"]].append(row)
    return [_entity(name, rows, breakdown) for name, rows in by_entity.items()]


def _entity(
    name: str, rows: list[dict[str, Any]], breakdown: dict[tuple[str, str], dict[str, int]]
) -> dict[str, Any]:
    cliniko_count = int(rows[0]["cliniko_count"])
    destinations = [
        {k: row[k] for k in ("destination", "crm_object", "reason", "record_count")}
        | {"may_be_rejected": bool(row["may_be_rejected"])}
        for row in rows
    ]
    objects = []
    for obj in dict.fromkeys(r["crm_object"] for r in rows if r["crm_object"]):
        group = [r for r in rows if r["crm_object"] == obj]
        prefixes = {p for r in group for p in r["source_id_prefixes"] or ()}
        objects.append(_crm_side(obj, group, prefixes, breakdown))
    accounted = sum(int(r["record_count"]) for r in rows)
    unaccounted = sum(int(r["record_count"]) for r in rows if r["destination"] == "unaccounted")
    return {
        "entity": name,
        "cliniko_count": cliniko_count,
        "accounted": accounted,
        "destinations": destinations,
        "crm": objects,
        "ok": accounted == cliniko_count and not unaccounted and all(o["ok"] for o in objects),
    }


def _crm_side(
    obj: str,
    group: list[dict[str, Any]],
    prefixes: set[str],
    breakdown: dict[tuple[str, str], dict[str, int]],
) -> dict[str, Any]:
    """The store's counts for the records of one entity sent as one CRM object."""
    counts = [breakdown.get((obj, p), {}) for p in sorted(prefixes)]
    id_map = sum(c.get("id_map", 0) for c in counts)
    in_crm = sum(c.get("in_crm", 0) for c in counts)
    rejected = sum(c.get("rejected", 0) for c in counts)
    records = sum(int(r["record_count"]) for r in group)
    must_reject = sum(int(r["record_count"]) for r in group if r["destination"] == "not_migrated")
    may_reject = sum(int(r["record_count"]) for r in group if r["may_be_rejected"])
    return {
        "object": obj,
        "records": records,
        "id_map": id_map,
        "in_crm": in_crm,
        "rejected": rejected,
        # Every record was in the latest run, written or refused; only the expected ones refused;
        # and the id map holds at least what the run found written (a lead that became a contact
        # stays mapped as a lead, so the id map may hold more).
        "ok": in_crm + rejected == records
        and must_reject <= rejected <= max(must_reject, may_reject)
        and id_map >= in_crm,
    }


def _print_entities(entities: list[dict[str, Any]]) -> None:
    print("\nCliniko records: where they went (CRM side from the sync store and the latest run)")
    head = f"{'entity':16} {'cliniko':>7}  {'destination':18} {'records':>7}"
    print(f"{head} {'id map':>7} {'in CRM':>7} {'rejected':>8}  ok")
    for entity in entities:
        crm = {o["object"]: o for o in entity["crm"]}
        first = True
        for d in entity["destinations"]:
            label = entity["entity"] if first else ""
            total = str(entity["cliniko_count"]) if first else ""
            line = f"{label:16} {total:>7}  {d['destination']:18} {d['record_count']:>7}"
            side = crm.pop(d["crm_object"], None) if d["crm_object"] else None
            if side is not None:  # a group's store counts go on its first row
                line += f" {side['id_map']:>7} {side['in_crm']:>7} {side['rejected']:>8}"
                line += "  " + ("yes" if side["ok"] else "NO")
            if d["reason"]:
                line += f"  ({d['reason']})"
            print(line.rstrip())
            first = False
        if entity["accounted"] != entity["cliniko_count"]:
            print(f"{'':16} NO: {entity['accounted']} accounted for of {entity['cliniko_count']}")


def _cell(value: int | None) -> str:
    return "-" if value is None else str(value)
