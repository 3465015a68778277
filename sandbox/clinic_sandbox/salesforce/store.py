"""The org's state: records per object, indexes of unique/external-id values, an undo journal."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from clinic_sandbox.salesforce.ids import make_id
from clinic_sandbox.salesforce.schema import CONTENT_DOCUMENT_PREFIX, ObjectSpec

Record = dict[str, Any]


def now_text() -> str:
    """A timestamp in Salesforce's own format: `2026-01-31T09:00:00.000+0000`."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


class Store:
    """Everything an org holds; callers hold `lock` for any read or write."""

    def __init__(self, objects: dict[str, ObjectSpec], users: list[Record]) -> None:
        self.lock = threading.RLock()
        self._start_objects = {name: spec.copy() for name, spec in objects.items()}
        self._users = users
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        """Back to the start: the start schema, the users, nothing else."""
        with self.lock:
            self.generation += 1
            self.objects = {name: spec.copy() for name, spec in self._start_objects.items()}
            self.records: dict[str, dict[str, Record]] = defaultdict(dict)
            self.deleted: dict[str, dict[str, Record]] = defaultdict(dict)
            self.index: dict[tuple[str, str], dict[Any, set[str]]] = defaultdict(dict)
            self.blobs: dict[str, bytes] = {}
            self.documents: set[str] = set()  # ContentDocument ids made for ContentVersions
            self.counters: dict[str, int] = defaultdict(int)
            self.jobs: dict[str, Any] = {}
            self.locators: dict[str, Any] = {}
            self.tooling_fields: list[Record] = []
            # Tooling CustomObject rows: a custom object's fields name it by this Id [docs].
            self.tooling_objects: list[Record] = [
                {"Id": self.new_id("01I"), "DeveloperName": spec.name.removesuffix("__c")}
                for spec in self.objects.values()
                if spec.custom
            ]
            self.journal: list[tuple[str, str, Record | None, bool]] | None = None
            for user in self._users:
                self.put("User", user["Id"], dict(user))
            for spec in self.objects.values():
                for field in spec.fields.values():
                    if field.custom:
                        self.add_tooling_row(spec.name, field.name)

    def add_tooling_row(self, obj: str, field: str) -> str:
        """Record a custom field the way the Tooling API's CustomField rows list it:
        TableEnumOrId is a standard object's name, a custom object's CustomObject Id [docs]."""
        rid = self.new_id("00N")
        developer = obj.removesuffix("__c")
        table = next(
            (
                o["Id"]
                for o in self.tooling_objects
                if obj.endswith("__c") and o["DeveloperName"] == developer
            ),
            obj,
        )
        self.tooling_fields.append(
            {
                "Id": rid,
                "DeveloperName": field.removesuffix("__c"),
                "TableEnumOrId": table,
                "FullName": f"{obj}.{field}",
            }
        )
        return rid

    def tooling_field(self, rid: str) -> tuple[str, str] | None:
        """(object, field) of a CustomField row by its Id."""
        row = next((r for r in self.tooling_fields if r["Id"] == rid), None)
        if row is None:
            return None
        obj, _, name = str(row["FullName"]).partition(".")
        return (obj, name) if obj in self.objects and name in self.objects[obj].fields else None

    def new_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return make_id(prefix, self.counters[prefix])

    # --- reads --------------------------------------------------------------------------------

    def get(self, obj: str, rid: str) -> Record | None:
        return self.records[obj].get(rid)

    def find(self, rid: str) -> tuple[str, Record] | None:
        """The live record with this id, whatever its object."""
        for name, spec in self.objects.items():
            if rid.startswith(spec.prefix) and rid in self.records[name]:
                return name, self.records[name][rid]
        return None

    def is_deleted(self, rid: str) -> bool:
        return any(rid in held for held in self.deleted.values())

    def document_exists(self, rid: str) -> bool:
        return rid.startswith(CONTENT_DOCUMENT_PREFIX) and (
            rid in self.documents or rid in self.records["ContentNote"]
        )

    def matches(self, obj: str, field: str, value: Any) -> list[str]:
        """Ids of live records whose indexed `field` holds `value`, in creation order."""
        return sorted(self.index[(obj, field)].get(value, ()))

    # --- writes (journaled while a transaction is open) ---------------------------------------

    def put(self, obj: str, rid: str, record: Record) -> None:
        old = self.records[obj].get(rid)
        self._reindex(obj, rid, old, record)
        self.records[obj][rid] = record
        if self.journal is not None:
            self.journal.append((obj, rid, old, False))

    def remove(self, obj: str, rid: str) -> None:
        old = self.records[obj].pop(rid)
        self._reindex(obj, rid, old, None)
        self.deleted[obj][rid] = {**old, "IsDeleted": True}
        if self.journal is not None:
            self.journal.append((obj, rid, old, True))

    def _reindex(self, obj: str, rid: str, old: Record | None, new: Record | None) -> None:
        for field in self.objects[obj].fields.values():
            if not field.indexed:
                continue
            values = self.index[(obj, field.name)]
            before = old.get(field.name) if old else None
            after = new.get(field.name) if new else None
            if before is not None and before != after:
                values.get(before, set()).discard(rid)
            if after is not None:
                values.setdefault(after, set()).add(rid)

    def begin(self) -> None:
        """Start journaling writes so `rollback` can undo them (allOrNone)."""
        self.journal = []

    def commit(self) -> None:
        self.journal = None

    def rollback(self) -> None:
        """Undo every write since `begin`, newest first."""
        journal, self.journal = self.journal or [], None
        for obj, rid, old, was_removed in reversed(journal):
            current = self.records[obj].get(rid)
            if was_removed:
                self.deleted[obj].pop(rid, None)
            self._reindex(obj, rid, current, old)
            if old is None:
                self.records[obj].pop(rid, None)
                self.blobs.pop(rid, None)
                self.documents.discard((current or {}).get("ContentDocumentId") or "")
            else:
                self.records[obj][rid] = old
