"""Checks a wrapped record body against an entity's fields before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.freshsales.entities import TARGETABLE, EntitySpec
from clinic_sandbox.freshsales.errors import ApiError, humanize
from clinic_sandbox.freshsales.fields import FieldDef, parse_datetime, value_problem
from clinic_sandbox.freshsales.store import READ_ONLY, Record, Store


@dataclass
class Changes:
    """What a valid body sets: standard attributes and custom field values."""

    attrs: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _lookup_ids(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item.get("id") if isinstance(item, dict) else item for item in value]
    return [value]


def _reference_problems(store: Store, spec: FieldDef, value: Any) -> list[str]:
    if spec.ref is None or _blank(value):
        return []
    missing = [item for item in _lookup_ids(value) if not store.exists(spec.ref, item)]
    return [f"{humanize(spec.name)} does not exist ({item})" for item in missing]


class _Checker:
    """Collects every problem of one body so a 400 lists them all at once."""

    def __init__(self, store: Store, spec: EntitySpec, existing: Record | None) -> None:
        self.store = store
        self.spec = spec
        self.existing = existing
        self.problems: list[str] = []
        self.changes = Changes()

    def value(self, spec: FieldDef, value: Any) -> None:
        if _blank(value):
            # On create required() reports blanks; on update, blanking a required field is wrong.
            if spec.required and self.existing is not None:
                self.problems.append(f"{humanize(spec.name)} can't be blank")
            return
        problem = value_problem(spec, value)
        if problem:
            self.problems.append(f"{humanize(spec.name)} {problem}")
        else:
            self.problems.extend(_reference_problems(self.store, spec, value))

    def standard(self, body: Record) -> None:
        for name, value in body.items():
            if name == "custom_field" or name in READ_ONLY:
                continue
            spec = self.spec.field(name)
            if spec is None:
                self.unknown(name)
                continue
            self.value(spec, value)
            self.changes.attrs[name] = value

    def unknown(self, name: str) -> None:
        # Rails strong parameters drop unpermitted keys; strict mode makes the drop visible.
        if self.store.strict_attributes:
            self.problems.append(f"Unknown attribute {name}")
        else:
            self.store.ignored[f"{self.spec.key}.{name}"] += 1

    def custom(self, values: Any) -> None:
        if not self.spec.custom_fields:
            self.problems.append(f"{self.spec.model} has no custom fields")
            return
        if not isinstance(values, dict):
            self.problems.append("Custom field must be an object")
            return
        for name, value in values.items():
            spec = self.store.custom_field(self.spec.key, name)
            if spec is None:
                self.problems.append(f"Custom field {name} is not defined for {self.spec.key}")
                continue
            self.value(spec, value)
            self.changes.custom[name] = value

    def required(self, body: Record) -> None:
        sent_custom = body.get("custom_field")
        custom: Record = sent_custom if isinstance(sent_custom, dict) else {}
        for spec in self.store.all_fields(self.spec):
            source = body if spec.default else custom
            if spec.required and _blank(source.get(spec.name)):
                self.problems.append(f"{humanize(spec.name)} can't be blank")
        for group in self.spec.required_any:
            if all(_blank(body.get(name)) for name in group):
                others = " or ".join(name for name in group[1:])
                self.problems.append(
                    f"{humanize(group[0])} can't be blank unless {others} is given"
                )

    def merged(self, name: str) -> Any:
        if name in self.changes.attrs:
            return self.changes.attrs[name]
        return (self.existing or {}).get(name)

    def targetable(self) -> None:
        kind, target = self.merged("targetable_type"), self.merged("targetable_id")
        if _blank(target) or kind not in TARGETABLE:
            return
        if not self.store.exists(TARGETABLE[kind], target):
            self.problems.append(f"Targetable does not exist ({kind} {target})")

    def dates(self) -> None:
        start = parse_datetime(self.merged("from_date"))
        end = parse_datetime(self.merged("end_date"))
        if start and end and end < start:
            self.problems.append("End date must be after the from date")

    def attendees(self) -> None:
        kinds = {"FdMultitenant::User": "users", "Contact": "contacts"}
        for entry in self.changes.attrs.get("appointment_attendees_attributes") or []:
            if not isinstance(entry, dict):
                continue
            kind = kinds.get(str(entry.get("attendee_type")))
            if kind is None or not self.store.exists(kind, entry.get("attendee_id")):
                self.problems.append(f"Attendee does not exist ({entry.get('attendee_id')})")


def check_body(store: Store, spec: EntitySpec, body: Any, existing: Record | None) -> Changes:
    """The changes a body asks for, or an ApiError(400) listing everything wrong with it.

    `existing` is the record being updated, None on create (required fields apply then).
    """
    if not isinstance(body, dict):
        raise ApiError(400, f'Request body must be wrapped as {{"{spec.singular}": {{...}}}}')
    checker = _Checker(store, spec, existing)
    checker.standard(body)
    if "custom_field" in body:
        checker.custom(body["custom_field"])
    if existing is None:
        checker.required(body)
    checker.targetable()
    checker.dates()
    checker.attendees()
    if checker.problems:
        raise ApiError(400, checker.problems)
    return checker.changes


def unique_problems(
    store: Store, spec: EntitySpec, changes: Changes, own_id: int | None
) -> list[str]:
    """Messages for unique custom values another live record already holds."""
    problems = []
    for name, value in changes.custom.items():
        field = store.custom_field(spec.key, name)
        if field is None or not field.unique or value is None:
            continue
        holder = store.find_unique(spec.key, name, value)
        if holder is not None and holder != own_id:
            problems.append(f"{humanize(name)} already exists")
    return problems
