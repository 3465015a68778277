"""`crmsync rollback RUN`: undo one run (`--only`) or every run since it; dry run unless --yes."""

from __future__ import annotations

import argparse
import dataclasses

from crmsync import rollback
from crmsync.context import CliContext
from crmsync.report import write_json_report
from crmsync.settings import reports_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the subcommand."""
    parser = sub.add_parser(
        "rollback", help="undo runs: delete what they created, restore what they updated"
    )
    parser.add_argument("run_id", type=int, help="the run to undo (see `crmsync runs`)")
    parser.add_argument(
        "--only", action="store_true", help="undo this run alone, not every later run too"
    )
    parser.add_argument("--yes", action="store_true", help="act (default: print what it would do)")
    parser.set_defaults(handler=run)


def run(context: CliContext, args: argparse.Namespace) -> int:
    """Print the plan; with --yes carry it out as a `rollback` run. Exit 1 if a step failed."""
    store = context.store()
    runs = store.runs_to_undo(args.run_id, args.only)
    the_plan = rollback.plan(store, context.specs, runs)
    _print(the_plan, acting=args.yes)
    document = {
        "crm": context.crm,
        "rollback_of": runs,
        "dry_run": not args.yes,
        "planned": the_plan.counts(),
        # Ids only (source and CRM ids): the `before` values stay in the sync store.
        "steps": [
            {k: v for k, v in dataclasses.asdict(s).items() if k != "before"}
            for s in the_plan.steps
        ],
    }
    if not args.yes:
        print("dry run: nothing was changed; add --yes to act")
        _write(context, f"{context.crm}-rollback-plan.json", document)
        return 0
    with store.lock():
        run_id = store.begin_run("rollback")
        status = "failed"
        counts: dict[str, dict[str, int]] = {}
        try:
            counts = rollback.execute(the_plan, store, context.client(), context.specs, run_id)
            status = "failed" if any(c.get("failed") for c in counts.values()) else "succeeded"
        finally:
            store.finish_run(run_id, status, counts)
    document.update(run_id=run_id, status=status, done=counts)
    _write(context, f"{context.crm}-rollback-{run_id}.json", document)
    print(f"rollback run {run_id} {status}: " + _summary(counts))
    return 0 if status == "succeeded" else 1


def _print(the_plan: rollback.RollbackPlan, acting: bool) -> None:
    verb = "undoing" if acting else "would undo"
    print(f"{verb} run(s) {', '.join(map(str, the_plan.runs)) or 'none'}")
    print(f"{'object':16} {'delete':>7} {'restore':>8} {'skip':>6}")
    for obj, c in the_plan.counts().items():
        print(f"{obj:16} {c.get('delete', 0):>7} {c.get('restore', 0):>8} {c.get('skip', 0):>6}")
    reasons: dict[str, int] = {}
    for step in the_plan.steps:
        if step.action == "skip":
            reasons[step.reason] = reasons.get(step.reason, 0) + 1
    for reason, n in sorted(reasons.items()):
        print(f"  skipped, {reason}: {n}")


def _summary(counts: dict[str, dict[str, int]]) -> str:
    totals: dict[str, int] = {}
    for c in counts.values():
        for k, n in c.items():
            totals[k] = totals.get(k, 0) + n
    return ", ".join(f"{k} {n}" for k, n in sorted(totals.items())) or "nothing to do"


def _write(context: CliContext, name: str, document: dict) -> None:
    path = write_json_report(reports_dir(context.config) / name, document)
    print(f"written: {path}")
