"""Record operations shared by the record routes and the bulk jobs: create, update, upsert."""

from __future__ import annotations

from typing import Any

from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError, not_found
from clinic_sandbox.freshsales.store import Record, Store, now_text
from clinic_sandbox.freshsales.validation import Changes, check_body, unique_problems


def _live(store: Store, spec: EntitySpec, record_id: Any) -> Record:
    try:
        record = store.records[spec.key].get(int(record_id))
    except (TypeError, ValueError):
        record = None
    if record is None:
        raise not_found(spec.model)
    return record


def _apply(store: Store, spec: EntitySpec, record: Record, changes: Changes) -> None:
    store.index_unique(spec.key, record, add=False)
    record.update(changes.attrs)
    if changes.custom:
        record.setdefault("custom_field", {}).update(changes.custom)
    record["updated_at"] = now_text()
    store.index_unique(spec.key, record, add=True)


def get(store: Store, spec: EntitySpec, record_id: Any) -> Record:
    """One live record, rendered."""
    with store.lock:
        return store.render(spec, _live(store, spec, record_id))


def create(store: Store, spec: EntitySpec, body: Any, extra: Record | None = None) -> Record:
    """Validate and store a new record; `extra` adds server-set attributes (documents)."""
    with store.lock:
        changes = check_body(store, spec, body, existing=None)
        problems = unique_problems(store, spec, changes, own_id=None)
        if problems:
            raise ApiError(400, problems)
        stamp = now_text()
        record: Record = {"id": store.new_id(spec.key), "created_at": stamp, **(extra or {})}
        if spec.custom_fields:
            record["custom_field"] = {}
        if spec.default_owner and changes.attrs.get("owner_id") is None and store.users:
            changes.attrs["owner_id"] = store.users[0]["id"]
        _apply(store, spec, record, changes)
        record["updated_at"] = stamp
        store.records[spec.key][record["id"]] = record
        return store.render(spec, record)


def update(store: Store, spec: EntitySpec, record_id: Any, body: Any) -> Record:
    """Change only the fields sent; custom fields merge key by key."""
    with store.lock:
        record = _live(store, spec, record_id)
        changes = check_body(store, spec, body, existing=record)
        problems = unique_problems(store, spec, changes, own_id=record["id"])
        if problems:
            raise ApiError(400, problems)
        _apply(store, spec, record, changes)
        return store.render(spec, record)


def delete(store: Store, spec: EntitySpec, record_id: Any) -> None:
    """Remove a live record from reads and unique matching; admin reads still show it."""
    with store.lock:
        record = _live(store, spec, record_id)
        store.index_unique(spec.key, record, add=False)
        del store.records[spec.key][record["id"]]
        store.deleted[spec.key][record["id"]] = record
        store.contents.pop(record["id"], None)


def _identifier(store: Store, spec: EntitySpec, identifier: Any) -> tuple[str, Any]:
    if not isinstance(identifier, dict) or len(identifier) != 1:
        raise ApiError(400, "Unique identifier must name exactly one field")
    ((name, value),) = identifier.items()
    field = store.custom_field(spec.key, name)
    by_email = name == "emails" and spec.field("emails") is not None
    if not by_email and (field is None or not field.unique):
        raise ApiError(400, f"Unique identifier {name} is not a unique field")
    if value is None or value == "":
        raise ApiError(400, f"Unique identifier {name} can't be blank")
    return name, value


def _primary_email(record: Record) -> str | None:
    emails = record.get("emails") or []
    primary = next(
        (item for item in emails if item.get("is_primary")), emails[0] if emails else None
    )
    value = primary.get("value") if primary else record.get("email")
    return value.lower() if isinstance(value, str) else None


def _match(store: Store, spec: EntitySpec, name: str, value: Any) -> int | None:
    if name != "emails":
        return store.find_unique(spec.key, name, value)
    wanted = str(value).lower()
    found = [rid for rid, rec in store.records[spec.key].items() if _primary_email(rec) == wanted]
    if len(found) > 1:
        raise ApiError(400, "Emails matches more than one record")
    return found[0] if found else None


def upsert(store: Store, spec: EntitySpec, identifier: Any, body: Any) -> tuple[Record, bool]:
    """Update the record the identifier matches, else create one; returns (record, created)."""
    with store.lock:
        name, value = _identifier(store, spec, identifier)
        if not isinstance(body, dict):
            raise ApiError(400, f'Request body must be wrapped as {{"{spec.singular}": {{...}}}}')
        match = _match(store, spec, name, value)
        if match is not None:
            return update(store, spec, match, body), False
        body = dict(body)
        if name == "emails":
            body.setdefault("emails", [{"value": value, "is_primary": True}])
        elif isinstance(body.get("custom_field"), (dict, type(None))):
            body["custom_field"] = {name: value, **(body.get("custom_field") or {})}
        return create(store, spec, body), True
