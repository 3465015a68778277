"""`?include=` on a record read: related activities and files side-loaded beside the record."""

from __future__ import annotations

from typing import Any

from clinic_sandbox.freshsales.entities import BY_KEY, EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.store import Store

# What a parent can side-load: the records whose targetable_type/id point at it.
INCLUDABLE = ("notes", "documents", "tasks", "appointments")


def side_loads(store: Store, spec: EntitySpec, record_id: int, include: str) -> dict[str, Any]:
    """`{"notes": [...], ...}` for `include=notes,...`; a name it cannot include is a 400."""
    loaded: dict[str, Any] = {}
    for name in filter(None, (part.strip() for part in include.split(","))):
        if name not in INCLUDABLE:
            raise ApiError(400, f"include must be among {', '.join(INCLUDABLE)}")
        child = BY_KEY[name]
        with store.lock:
            loaded[name] = [
                store.render(child, record)
                for record in store.records[name].values()
                if record.get("targetable_type") == spec.model
                and str(record.get("targetable_id")) == str(record_id)
            ]
    return loaded
