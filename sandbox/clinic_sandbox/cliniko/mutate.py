"""Change the clinic while the simulator runs: edit, archive, unarchive, cancel, delete, create."""

from __future__ import annotations

import json
import time
from typing import Any

from clinic_sandbox.catalog import STREAMS, StreamSpec
from clinic_sandbox.cliniko.query import hidden_clause
from clinic_sandbox.cliniko.state import SandboxState
from clinic_sandbox.store import dumps

ACTIONS = ("edit", "archive", "unarchive", "cancel", "delete", "create")
# Streams whose DELETE is real (no tombstone): the row disappears (cliniko-api.md §7).
HARD_DELETE = frozenset(
    {
        "taxes",
        "practitioner_reference_numbers",
        "appointment_type_billable_items",
        "appointment_type_products",
    }
)
_EDITABLE = ("notes", "occupation", "description", "name", "reference_number", "comment")


class MutationError(Exception):
    """A mutation request that cannot be applied (400 from the admin route)."""


def mutate(
    state: SandboxState,
    stream: str,
    action: str,
    count: int = 1,
    ids: list[str] | None = None,
    touch_updated_at: bool | None = None,
) -> dict[str, Any]:
    """Apply one action to `count` records (or to `ids`); return the affected ids."""
    spec = STREAMS.get(stream)
    if spec is None or not spec.has_id:
        raise MutationError(f"stream {stream!r} cannot be changed (unknown, or has no ids)")
    if action not in ACTIONS:
        raise MutationError(f"action must be one of {', '.join(ACTIONS)}")
    if count < 1 or count > 10_000:
        raise MutationError("count must be between 1 and 10000")
    now = int(time.time())
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    touch = (
        state.behaviour.archive_touches_updated_at if touch_updated_at is None else touch_updated_at
    )
    _check_action(spec, action)
    state.totals.clear()
    if action == "create":
        done = [_create(state, spec, at) for _ in range(count)]
    else:
        targets = [int(i) for i in ids] if ids else _pick(state, spec, action, count)
        done = []
        for record_id in targets:
            record = state.store.get(stream, record_id)
            if record is None:
                raise MutationError(f"no {stream} record with id {record_id}")
            if action == "delete" and stream in HARD_DELETE:
                state.store.db.execute(f'DELETE FROM "{stream}" WHERE id = ?', (record_id,))  # noqa: S608
            else:
                _apply(record, action, at, touch)
                state.store.replace(stream, record)
            done.append(str(record_id))
    bumped = action in ("edit", "create", "unarchive") or touch
    return {"stream": stream, "action": action, "ids": done, "at": at, "updated_at_bumped": bumped}


def _check_action(spec: StreamSpec, action: str) -> None:
    if action in ("archive", "unarchive") and "archived_at" not in spec.hidden:
        raise MutationError(f"{spec.name} cannot be archived")
    if action == "cancel" and "cancelled_at" not in spec.hidden:
        raise MutationError(f"{spec.name} cannot be cancelled")
    if action == "delete" and "deleted_at" not in spec.hidden and spec.name not in HARD_DELETE:
        raise MutationError(f"{spec.name} cannot be deleted")


def _pick(state: SandboxState, spec: StreamSpec, action: str, count: int) -> list[int]:
    """Random records the action applies to: visible ones, or archived ones to unarchive."""
    if action == "unarchive":
        count_where = where = '"archived_at" IS NOT NULL'
    else:
        count_where = " AND ".join(hidden_clause(f, paging=False) for f in spec.hidden) or "1"
        where = " AND ".join(hidden_clause(f, paging=True) for f in spec.hidden) or "1"
    db = state.store.db
    table = f'"{spec.name}"'
    available = db.execute(f"SELECT count(*) FROM {table} WHERE {count_where}").fetchone()[0]  # noqa: S608
    picked = sorted(state.mutation_rng.sample(range(available), min(count, available)))
    query = f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1 OFFSET ?"  # noqa: S608
    return [db.execute(query, (offset,)).fetchone()[0] for offset in picked]


def _apply(record: dict[str, Any], action: str, at: str, touch: bool) -> None:
    if action == "edit":
        key = next(
            (k for k in _EDITABLE if k in record and isinstance(record[k], (str, type(None)))),
            None,
        )
        if key is not None:
            record[key] = f"{record[key] or ''} (edited {at})".strip()
        record["updated_at"] = at
        return
    if action == "archive":
        record["archived_at"] = at
    elif action == "unarchive":
        record["archived_at"] = None
        record["updated_at"] = at
    elif action == "cancel":
        record["cancelled_at"] = at
        record["cancellation_reason"] = 50
        record["cancellation_reason_description"] = "Other"
        record["cancellation_note"] = "Cancelled in the sandbox"
        if "patient_arrived" in record:
            record["patient_arrived"] = False
    elif action == "delete":
        record["deleted_at"] = at
    if touch:
        record["updated_at"] = at


def _create(state: SandboxState, spec: StreamSpec, at: str) -> str:
    """A new record shaped like a random existing one, with a fresh id and timestamps."""
    template_id = _pick(state, spec, "edit", 1)
    if not template_id:
        raise MutationError(f"{spec.name} has no record to model a new one on")
    db = state.store.db
    new_id = db.execute(f'SELECT max(id) FROM "{spec.name}"').fetchone()[0] + 1  # noqa: S608
    template = state.store.get(spec.name, template_id[0])
    record = json.loads(dumps(template).replace(str(template_id[0]), str(new_id)))
    record.update(created_at=at, updated_at=at)
    for field in spec.hidden:
        record[field] = None
    if spec.name == "patients":
        record.update(first_name="Sandbox", last_name=f"Created {new_id % 100000}")
        record["label"] = f"Sandbox Created {new_id % 100000}"
    state.store.insert_many(spec.name, [record])
    return str(new_id)
