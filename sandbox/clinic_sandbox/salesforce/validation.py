"""Turn a record body into stored values, or say what is wrong the way Salesforce does.

Messages name the field but never echo the value sent: targets log these errors, and the values
are patient data.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from clinic_sandbox.salesforce.errors import RecordError, SfError
from clinic_sandbox.salesforce.ids import normalize
from clinic_sandbox.salesforce.schema import TEXT_TYPES, Field, ObjectSpec

if TYPE_CHECKING:
    from clinic_sandbox.salesforce.store import Store

AUDIT_FIELDS = {"CreatedDate", "LastModifiedDate", "CreatedById"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def check_known(spec: ObjectSpec, body: dict[str, Any]) -> None:
    """Refuse the whole request for a key that is neither a field nor a relationship."""
    for key in body:
        if key != "attributes" and key not in spec.fields and spec.by_relationship(key) is None:
            raise SfError(
                400, "INVALID_FIELD", f"No such column '{key}' on sobject of type {spec.name}"
            )


def _label(field: Field) -> str:
    return str(field.describe()["label"])


def _type_error(field: Field) -> RecordError:
    return RecordError(
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        f"{_label(field)}: value not of required type",
        [field.name],
    )


def _text(field: Field, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise _type_error(field)
    value = str(raw)
    if field.length and len(value) > field.length:
        raise RecordError(
            "STRING_TOO_LONG",
            f"{_label(field)}: data value too large (max length={field.length})",
            [field.name],
        )
    if field.type == "email" and value and not _EMAIL.match(value):
        raise RecordError(
            "INVALID_EMAIL_ADDRESS", f"{_label(field)}: invalid email address", [field.name]
        )
    if field.type == "picklist" and field.restricted and value not in field.picklist:
        raise RecordError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{_label(field)}: bad value for restricted picklist field: {value}",
            [field.name],
        )
    return value


def _number(field: Field, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _type_error(field)
    if isinstance(raw, (int, float)):
        return raw
    try:
        number = float(str(raw))
    except ValueError:
        raise _type_error(field) from None
    return int(number) if field.type == "int" else number


def _temporal(field: Field, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _type_error(field)
    try:
        if field.type == "date":
            if len(raw) != 10:
                raise ValueError(raw)
            date.fromisoformat(raw)
        else:
            text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", raw.replace("Z", "+00:00"))
            datetime.fromisoformat(text)
    except ValueError:
        raise _type_error(field) from None
    return raw


def _blob(field: Field, raw: Any, max_bytes: int) -> bytes:
    if not isinstance(raw, str):
        raise _type_error(field)
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise _type_error(field) from None
    if len(data) > max_bytes:
        raise RecordError(
            "STRING_TOO_LONG",
            f"{field.name}: data value too large (max {max_bytes} bytes)",
            [field.name],
        )
    return data


def _reference(store: Store, field: Field, raw: Any) -> str:
    rid = normalize(raw) if isinstance(raw, str) else None
    if rid is not None:
        if "ContentDocument" in field.reference_to and store.document_exists(rid):
            return rid
        found = store.find(rid)
        if found and found[0] in field.reference_to:
            return rid
    raise RecordError(
        "INVALID_CROSS_REFERENCE_KEY", f"{_label(field)}: invalid cross reference id", [field.name]
    )


def resolve_external(store: Store, field: Field, raw: Any) -> str:
    """`{"Cliniko_Id__c": "x"}` under a relationship name → the parent's Id."""
    keys = [k for k in raw if k != "attributes"] if isinstance(raw, dict) else []
    target = store.objects.get(field.reference_to[0]) if field.reference_to else None
    if len(keys) != 1 or target is None:
        raise RecordError(
            "INVALID_FIELD",
            f"{field.relationship}: give exactly one external id field",
            [field.name],
        )
    key, value = keys[0], raw[keys[0]]
    ext = target.fields.get(key)
    if ext is None or not ext.external_id:
        raise RecordError(
            "INVALID_FIELD", f"{key} is not an External ID field on {target.name}", [field.name]
        )
    found = store.matches(target.name, key, str(value))
    if not found:
        raise RecordError(
            "INVALID_FIELD",
            f"Foreign key external ID: {value} not found for field {key} in entity {target.name}",
            [field.name],
        )
    if len(found) > 1:
        raise RecordError(
            "INVALID_FIELD",
            f"Foreign key external ID: {value} matches more than one record in entity "
            f"{target.name}",
            [field.name],
        )
    return found[0]


def coerce(store: Store, field: Field, raw: Any, max_bytes: int) -> Any:
    """The stored form of one value, or a RecordError naming the field."""
    if raw is None or (raw == "" and field.type not in TEXT_TYPES):
        return False if field.type == "boolean" else None
    if field.type in TEXT_TYPES:
        return _text(field, raw)
    if field.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in _BOOLEANS:
            return _BOOLEANS[raw.lower()]
        raise _type_error(field)
    if field.type in ("int", "double", "currency"):
        return _number(field, raw)
    if field.type in ("date", "datetime"):
        return _temporal(field, raw)
    if field.type == "reference":
        return _reference(store, field, raw)
    if field.type == "base64":
        return _blob(field, raw, max_bytes)
    raise _type_error(field)


def _writable(field: Field, creating: bool, audit: bool) -> bool:
    if creating:
        return field.createable or (audit and field.name in AUDIT_FIELDS)
    return field.updateable


def prepare(
    store: Store,
    spec: ObjectSpec,
    body: dict[str, Any],
    *,
    creating: bool,
    audit: bool = False,
    max_bytes: int = 0,
) -> dict[str, Any]:
    """The values to write for `body`; RecordError for the first problem found."""
    values: dict[str, Any] = {}
    locked: list[str] = []
    for key, raw in body.items():
        if key == "attributes":
            continue
        if key == "Id" and creating:
            raise RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        field = spec.fields.get(key)
        if field is None:
            related = spec.by_relationship(key)
            if related is None:
                raise RecordError(
                    "INVALID_FIELD", f"No such column '{key}' on sobject of type {spec.name}"
                )
            if not _writable(related, creating, audit):
                locked.append(related.name)
                continue
            values[related.name] = resolve_external(store, related, raw)
            continue
        if not _writable(field, creating, audit):
            locked.append(key)
            continue
        values[key] = coerce(store, field, raw, max_bytes)
    if locked:
        raise RecordError(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(locked)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.",
            locked,
        )
    required = [f.name for f in spec.fields.values() if f.required and f.createable]
    missing = [
        name for name in required if (creating or name in values) and values.get(name) in (None, "")
    ]
    if missing:
        raise RecordError(
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )
    return values
