"""The simulator's state, in memory: records, unique indexes, users, custom fields, jobs."""

from __future__ import annotations

import copy
import threading
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from clinic_sandbox.freshsales.custom_fields import CustomFields
from clinic_sandbox.freshsales.entities import BY_KEY, ENTITIES, EntitySpec
from clinic_sandbox.freshsales.fields import FieldDef

Record = dict[str, Any]
READ_ONLY = ("id", "created_at", "updated_at")


def now_text() -> str:
    """The current time the way the simulator stamps records (UTC, second precision)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Everything the simulator holds; every method is meant to run under `lock`."""

    def __init__(
        self, users: list[Record], custom_fields: CustomFields, strict_attributes: bool = False
    ) -> None:
        self.lock = threading.RLock()
        self.strict_attributes = strict_attributes
        self._start_users = copy.deepcopy(users)
        self._start_fields = {key: list(specs) for key, specs in custom_fields.items()}
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        """Back to the start configuration: no records, no jobs, start users and custom fields."""
        with self.lock:
            self.generation += 1
            self.users = copy.deepcopy(self._start_users)
            self.custom = {key: list(specs) for key, specs in self._start_fields.items()}
            self.records: dict[str, dict[int, Record]] = {spec.key: {} for spec in ENTITIES}
            self.deleted: dict[str, dict[int, Record]] = {spec.key: {} for spec in ENTITIES}
            self.counters = {spec.key: 0 for spec in ENTITIES}
            self.unique: dict[tuple[str, str], dict[str, int]] = {}
            self.contents: dict[int, bytes] = {}
            self.jobs: dict[int, Record] = {}
            self.job_counter = 0
            self.ignored: Counter[str] = Counter()

    def custom_fields(self, key: str) -> list[FieldDef]:
        """The custom fields defined for an entity (empty for entities without them)."""
        return self.custom.get(key, [])

    def custom_field(self, key: str, name: str) -> FieldDef | None:
        """One custom field by name."""
        return next((spec for spec in self.custom_fields(key) if spec.name == name), None)

    def all_fields(self, spec: EntitySpec) -> list[FieldDef]:
        """Standard then custom fields of an entity, in metadata order."""
        return [*spec.fields, *self.custom_fields(spec.key)]

    def add_custom_field(self, key: str, field: FieldDef) -> None:
        """Define a new custom field; existing records read it as null."""
        self.custom.setdefault(key, []).append(field)

    def replace_custom_field(self, key: str, field: FieldDef) -> None:
        """Change a custom field's definition in place (same name, same position)."""
        self.custom[key] = [field if f.name == field.name else f for f in self.custom_fields(key)]

    def new_id(self, key: str) -> int:
        """The next id of an entity (each entity counts from its own base)."""
        self.counters[key] += 1
        return BY_KEY[key].id_base + self.counters[key]

    def exists(self, key: str, record_id: Any) -> bool:
        """Whether a live record (or, for `users`, a user) has this id."""
        try:
            wanted = int(record_id)
        except (TypeError, ValueError):
            return False
        if key == "users":
            return any(user["id"] == wanted for user in self.users)
        return wanted in self.records.get(key, {})

    def find_unique(self, key: str, name: str, value: Any) -> int | None:
        """The live record holding `value` in unique field `name`."""
        return self.unique.get((key, name), {}).get(str(value))

    def index_unique(self, key: str, record: Record, add: bool) -> None:
        """Add a record's unique values to the index, or take them out."""
        for field in self.custom_fields(key):
            if not field.unique:
                continue
            value = record.get("custom_field", {}).get(field.name)
            if value is None:
                continue
            index = self.unique.setdefault((key, field.name), {})
            if add:
                index[str(value)] = record["id"]
            elif index.get(str(value)) == record["id"]:
                del index[str(value)]

    def render(self, spec: EntitySpec, record: Record) -> Record:
        """A record in the API's shape: every standard and custom field, null when unset."""
        shown: Record = {"id": record["id"]}
        for field in spec.fields:
            shown[field.name] = copy.deepcopy(record.get(field.name))
        if spec.custom_fields:
            values = record.get("custom_field", {})
            shown["custom_field"] = {
                field.name: copy.deepcopy(values.get(field.name))
                for field in self.custom_fields(spec.key)
            }
        for key, value in record.items():
            if key not in shown and key != "custom_field":
                shown[key] = copy.deepcopy(value)
        return shown
