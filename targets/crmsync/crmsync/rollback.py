"""Undo migration runs: delete what they created (children first), restore what they updated.

The plan is computed from the audit log and the id map alone, so a dry run makes no CRM call and
a second rollback of the same runs finds nothing left to do (deleted records left the id map;
restored ones have a later `restore` row).
"""

from __future__ import annotations

import collections
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmsync.client import CrmClient, WriteItem
from crmsync.errors import ConfigError, RecordRejected
from crmsync.rollback_ledger import RollbackLedger, WriteRow
from crmsync.spec import ObjectSpec

GONE = 404  # deleting what is already gone (a rollback resumed after the CRM call) is success


@dataclass
class Step:
    """One undo action on one CRM record."""

    action: str  # delete / restore / skip
    object: str
    source_id: str
    crm_id: str | None
    before: dict[str, Any] | None = None
    reason: str = ""  # for skips: why nothing is done


@dataclass
class RollbackPlan:
    """What undoing `runs` takes, in execution order (deletes children first, then restores)."""

    runs: list[int]
    steps: list[Step] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """Steps per object and action (skips by reason group)."""
        table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for step in self.steps:
            table[step.object][step.action] += 1
        return {obj: dict(c) for obj, c in table.items()}


def plan(ledger: RollbackLedger, specs: Mapping[str, ObjectSpec], runs: list[int]) -> RollbackPlan:
    """The steps that undo `runs`, from their audit rows and the id map as it is now."""
    by_record: dict[tuple[str, str], list[WriteRow]] = collections.defaultdict(list)
    for row in ledger.writes(runs):
        by_record[(row.object, row.source_id)].append(row)
    deletes, restores, skips = [], [], []
    for (obj, source_id), rows in by_record.items():
        current = ledger.mapped(obj, source_id)
        created = [r for r in rows if r.operation == "create" and r.outcome != "updated"]
        if created:
            if current is None:
                skips.append(Step("skip", obj, source_id, None, reason="already deleted"))
            else:
                deletes.append(Step("delete", obj, source_id, current))
            continue
        first = rows[0]
        if ledger.restored_after(obj, source_id, rows[-1].run_id):
            skips.append(Step("skip", obj, source_id, current, reason="already restored"))
        elif first.before is None:
            # capture_before was off, or an upsert updated a record the id map did not know.
            skips.append(Step("skip", obj, source_id, current, reason="no before values"))
        elif current is None:
            skips.append(Step("skip", obj, source_id, None, reason="no longer in the id map"))
        else:
            restores.append(Step("restore", obj, source_id, current, json.loads(first.before)))
    order = {s: spec.load_order for s, spec in specs.items()}
    deletes.sort(key=lambda s: -order.get(s.object, 0))
    restores.sort(key=lambda s: order.get(s.object, 0))
    return RollbackPlan(runs, deletes + restores + skips)


def execute(
    rollback_plan: RollbackPlan,
    ledger: RollbackLedger,
    client: CrmClient,
    specs: Mapping[str, ObjectSpec],
    run_id: int,
    on_step: Callable[[Step, str], None] = lambda step, outcome: None,
) -> dict[str, dict[str, int]]:
    """Carry the plan out, recording each step under the rollback's run id; counts per object.

    A refused step is recorded `failed` and the rest go on; FatalCrmError (wrong key) stops it.
    """
    delete = getattr(client, "delete", None)
    if delete is None:
        raise ConfigError(f"{type(client).__name__} cannot delete records; rollback needs it")
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for step in rollback_plan.steps:
        spec = specs.get(step.object)
        if step.action == "skip" or spec is None or step.crm_id is None:
            counts[step.object]["skipped"] += 1
            continue
        outcome = (
            _delete(delete, ledger, spec, step, run_id)
            if step.action == "delete"
            else (_restore(client, ledger, spec, step, run_id))
        )
        counts[step.object][outcome] += 1
        on_step(step, outcome)
    return {obj: dict(c) for obj, c in counts.items()}


def _delete(
    delete: Callable[[ObjectSpec, str], None],
    ledger: RollbackLedger,
    spec: ObjectSpec,
    step: Step,
    run_id: int,
) -> str:
    crm_id = str(step.crm_id)
    try:
        delete(spec, crm_id)
    except RecordRejected as exc:
        if exc.http_status != GONE:
            ledger.failed(run_id, step.object, step.source_id, crm_id, "delete", exc.reason)
            return "failed"
    ledger.deleted(run_id, step.object, step.source_id, crm_id)
    return "deleted"


def _restore(
    client: CrmClient, ledger: RollbackLedger, spec: ObjectSpec, step: Step, run_id: int
) -> str:
    crm_id, before = str(step.crm_id), step.before or {}
    found_in = {}
    for api_field, candidates in spec.references.items():
        value = before.get(api_field)
        holder = ledger.object_of(candidates, str(value)) if value not in (None, "") else None
        if holder:
            found_in[api_field] = holder  # the client re-links it the way it was written
    item = WriteItem(step.source_id, dict(before), "", crm_id=crm_id, found_in=found_in)
    try:
        client.update(spec, item)
    except RecordRejected as exc:
        ledger.failed(run_id, step.object, step.source_id, crm_id, "restore", exc.reason)
        return "failed"
    ledger.restored(run_id, step.object, step.source_id, crm_id)
    return "restored"
