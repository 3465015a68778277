"""Undo migration runs: delete what they created (children first), restore what they updated.

The plan is computed from the audit log and the id map alone, so a dry run makes no CRM call and
a second rollback of the same runs finds nothing left to do (deleted records left the id map;
restored ones have a later `restore` row). Deletes go in the CRM's bulk delete where the client
has one, and every record's result is recorded on its own, with its id map change, as soon as
the call returns: that is what makes a rollback that failed midway resumable.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmsync.client import CrmClient, DeleteResult, WriteItem
from crmsync.errors import ConfigError, RecordRejected
from crmsync.spec import ObjectSpec
from crmsync.store import SyncStore, WriteRow


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


def plan(store: SyncStore, specs: Mapping[str, ObjectSpec], runs: list[int]) -> RollbackPlan:
    """The steps that undo `runs`, from their audit rows and the id map as it is now."""
    by_record: dict[tuple[str, str], list[WriteRow]] = collections.defaultdict(list)
    for row in store.writes(runs):
        by_record[(row.object, row.source_id)].append(row)
    deletes, restores, skips = [], [], []
    for (obj, source_id), rows in by_record.items():
        mapped = store.lookup(obj, source_id)
        current = mapped.crm_id if mapped else None
        created = [r for r in rows if r.operation == "create" and r.outcome != "updated"]
        if created:
            if current is None:
                skips.append(Step("skip", obj, source_id, None, reason="already deleted"))
            else:
                deletes.append(Step("delete", obj, source_id, current))
            continue
        first = rows[0]
        if store.restored_after(obj, source_id, rows[-1].run_id):
            skips.append(Step("skip", obj, source_id, current, reason="already restored"))
        elif first.before is None:
            # An upsert updated a record the id map did not know, or the CRM could not be read.
            skips.append(Step("skip", obj, source_id, current, reason="no before values"))
        elif current is None:
            skips.append(Step("skip", obj, source_id, None, reason="no longer in the id map"))
        else:
            restores.append(Step("restore", obj, source_id, current, first.before))
    order = {s: spec.load_order for s, spec in specs.items()}
    # Children first; one object's deletes together, so they share bulk calls.
    deletes.sort(key=lambda s: (-order.get(s.object, 0), s.object))
    restores.sort(key=lambda s: (order.get(s.object, 0), s.object))
    return RollbackPlan(runs, deletes + restores + skips)


def execute(
    rollback_plan: RollbackPlan,
    store: SyncStore,
    client: CrmClient,
    specs: Mapping[str, ObjectSpec],
    run_id: int,
    on_step: Callable[[Step, str], None] = lambda step, outcome: None,
) -> dict[str, dict[str, int]]:
    """Carry the plan out, recording each step under the rollback's run id; counts per object.

    A refused step is recorded `failed` and the rest go on; FatalCrmError (wrong key) stops it.
    """
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    # Consecutive deletes of one object share bulk calls; the plan keeps children first.
    groups = itertools.groupby(rollback_plan.steps, key=lambda s: (s.action, s.object))
    for (action, obj), grouped in groups:
        steps = list(grouped)
        spec = specs.get(obj)
        if action == "skip" or spec is None:
            counts[obj]["skipped"] += len(steps)
            continue
        if action == "delete":
            for step, outcome in _delete_all(client, store, spec, steps, run_id):
                counts[obj][outcome] += 1
                on_step(step, outcome)
            continue
        for step in steps:
            outcome = _restore(client, store, spec, step, run_id)
            counts[obj][outcome] += 1
            on_step(step, outcome)
    return {obj: dict(c) for obj, c in counts.items()}


def _delete_all(
    client: CrmClient, store: SyncStore, spec: ObjectSpec, steps: list[Step], run_id: int
) -> Iterator[tuple[Step, str]]:
    size = max(1, client.deletes_per_call(spec, len(steps)))
    for start in range(0, len(steps), size):
        chunk = steps[start : start + size]
        try:
            results = client.delete_batch(spec, [str(s.crm_id) for s in chunk])
        except NotImplementedError as exc:
            raise ConfigError(f"{exc}; rollback needs deletes") from exc
        for step, result in zip(chunk, results, strict=True):
            yield step, _record_delete(store, step, result, run_id)


def _record_delete(store: SyncStore, step: Step, result: DeleteResult, run_id: int) -> str:
    crm_id = str(step.crm_id)
    if result.deleted:
        store.record_deleted(run_id, step.object, step.source_id, crm_id)
        return "deleted"
    error = result.error or "delete refused"
    store.record_undo_failed(run_id, step.object, step.source_id, crm_id, "delete", error)
    return "failed"


def _restore(client: CrmClient, store: SyncStore, spec: ObjectSpec, step: Step, run_id: int) -> str:
    crm_id, before = str(step.crm_id), step.before or {}
    found_in = {}
    for api_field, candidates in spec.references.items():
        value = before.get(api_field)
        if value in (None, ""):
            continue
        holder = next((obj for obj in candidates if store.is_mapped(obj, str(value))), None)
        if holder:
            found_in[api_field] = holder  # the client re-links it the way it was written
    item = WriteItem(step.source_id, dict(before), "", crm_id=crm_id, found_in=found_in)
    try:
        client.update(spec, item)
    except RecordRejected as exc:
        store.record_undo_failed(run_id, step.object, step.source_id, crm_id, "restore", exc.reason)
        return "failed"
    store.record_restored(run_id, step.object, step.source_id, crm_id, before)
    return "restored"
