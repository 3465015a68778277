"""Request bodies: resolved fields in Freshsales' shape (wrapper, custom_field, links)."""

from __future__ import annotations

from typing import Any

from crmsync.client import WriteItem, split_custom_fields
from crmsync.spec import ObjectSpec

from target_freshsales.objects import TARGETABLE_TYPES


def record_body(spec: ObjectSpec, item: WriteItem) -> dict[str, Any]:
    """The record as Freshsales takes it, without the wrapper."""
    standard, custom = split_custom_fields(item.fields)
    for id_field in (*item.found_in, spec.owner_field):
        if id_field in standard:
            standard[id_field] = as_id(standard[id_field])
    for api_field, stream in item.found_in.items():
        if api_field == "targetable_id":
            # The stream holding the parent decides the type (a patient is a contact or a lead).
            standard["targetable_type"] = TARGETABLE_TYPES[stream]
    for api_field, list_field in spec.options.get("as_list", {}).items():
        if api_field not in standard:
            continue
        value = standard.pop(api_field)
        # Only contacts can be added to a deal [3p]; a patient who is a lead stays unlinked.
        if value is not None and item.found_in.get(api_field) == "contacts":
            standard[list_field] = [value]
    if spec.external_id and spec.external_id.startswith("cf_"):
        custom.setdefault(spec.external_id, item.source_id)
    if custom:
        standard["custom_field"] = custom
    return standard


def wrapped(spec: ObjectSpec, body: dict[str, Any]) -> dict[str, Any]:
    """`{"contact": {...}}`: every record in and out is wrapped in its singular name [3p]."""
    return {spec.options["wrapper"]: body}


def unique_identifier(spec: ObjectSpec, item: WriteItem) -> dict[str, str]:
    """The upsert key: the unique custom field with `_source_id` (never email: patients share)."""
    value = item.fields.get(spec.external_id or "") or item.source_id
    return {str(spec.external_id): str(value)}


def unwrap(spec: ObjectSpec, body: Any) -> dict[str, Any]:
    """The record of a wrapped answer (empty when the answer has none)."""
    if isinstance(body, dict) and isinstance(body.get(spec.options["wrapper"]), dict):
        return body[spec.options["wrapper"]]
    return {}


def field_values(spec: ObjectSpec, record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The values of `fields` in a read record, named as sent (custom ones, list links undone)."""
    custom = record.get("custom_field") or {}
    lists = spec.options.get("as_list", {})
    values = {}
    for name in fields:
        if name.startswith("cf_"):
            values[name] = custom.get(name)
        elif name in lists:
            linked = record.get(lists[name]) or []
            values[name] = linked[0] if linked else None
        else:
            values[name] = record.get(name)
    return values


def as_id(value: Any) -> Any:
    """Freshsales ids are JSON integers; the id map keeps every CRM's ids as text."""
    return int(value) if isinstance(value, str) and value.isdigit() else value
