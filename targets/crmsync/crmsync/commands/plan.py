"""`crmsync plan [--apply]`: the CRM's fields versus what the publish models need."""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from crmsync import plan as planning
from crmsync.context import CliContext
from crmsync.plan_files import write_plan
from crmsync.plan_model import field_admin
from crmsync.settings import reports_dir

DEFAULT_MANIFEST = Path("transform") / "target" / "manifest.json"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser("plan", help="fields to create or fix in the CRM before migrating")
    parser.add_argument(
        "--manifest",
        default=str(DEFAULT_MANIFEST),
        help="dbt manifest.json of the publish models (transform/target/manifest.json)",
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help="create the missing custom fields, add missing picklist values, then re-check",
    )
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print and write the plan; exit 1 while blocking gaps remain."""
    # The client first: it validates the CRM settings, which must fail before anything else.
    admin = field_admin(context.client())
    needs = planning.needs_from_manifest(Path(args.manifest), context.crm)
    the_plan = planning.compare(context.specs, admin, needs)
    _print(the_plan)
    if args.apply and any(g.kind in ("create", "picklist") for g in the_plan.gaps):
        done = planning.apply(the_plan, context.specs, admin)
        for gap, reason in done.refused:
            print(f"could not add values to {gap.object}.{gap.field}: {reason}")
        print(
            f"created {len(done.created)} field(s), added values to {len(done.extended)} "
            "picklist(s); checking again"
        )
        the_plan = planning.compare(context.specs, admin, needs)
        _print(the_plan)
    json_path, md_path = write_plan(reports_dir(context.config), context.crm, the_plan, needs)
    print(f"written: {json_path}\nwritten: {md_path}")
    if the_plan.blocking:
        left = "fix them in the CRM" + ("" if args.apply else " or run with --apply")
        print(f"{len(the_plan.blocking)} blocking gap(s): {left}")
        return 1
    return 0


def _print(the_plan: planning.Plan) -> None:
    if not the_plan.gaps:
        print("plan is empty: every field the models need is in the CRM")
    by_kind = collections.Counter(g.kind for g in the_plan.gaps)
    for gap in the_plan.gaps:
        flag = "" if gap.blocking else " (warning)"
        print(f"{gap.kind:9} {gap.object:16} {gap.field:32} {gap.detail}{flag}")
    if by_kind:
        print("gaps: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    if the_plan.unchecked:
        print("not checked (no field metadata): " + ", ".join(the_plan.unchecked))
