"""Custom field definitions: parsing a create-field body, and the project's own set."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from clinic_sandbox.freshsales.entities import BY_KEY
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.fields import (
    CHOICE_TYPES,
    CUSTOM_TYPES,
    TEXT_LIMIT,
    TYPE_CODES,
    FieldDef,
    custom_name,
)

CustomFields = dict[str, list[FieldDef]]

_PERSON: list[dict[str, Any]] = [
    {"label": "Cliniko id", "field_type": "text", "unique": True},
    {"label": "Cliniko patient id", "field_type": "text"},
    {"label": "Date of birth", "field_type": "date"},
    *(
        {"label": label, "field_type": "text"}
        for label in (
            "Gender",
            "Insurance carrier",
            "Insurance policy number",
            "Insurance group",
            "Referral detail",
        )
    ),
    {
        "label": "Patient status",
        "field_type": "dropdown",
        "choices": ["active", "inactive", "archived", "prospect"],
    },
    {"label": "Insurance status", "field_type": "dropdown", "choices": ["active", "expired"]},
    {
        "label": "Referral source",
        "field_type": "dropdown",
        "choices": ["Doctor", "Hospital", "Marketing campaign", "Word of mouth", "Other"],
    },
    {"label": "Practitioner role", "field_type": "dropdown", "choices": ["Treating Practitioner"]},
    *(
        {"label": label, "field_type": "textarea"}
        for label in (
            "Insurance details",
            "Medical history",
            "Allergies",
            "Treatment notes",
            "Notes",
        )
    ),
    {"label": "Form submitted at", "field_type": "date_time"},
]
_CLINIKO_ID = {"label": "Cliniko id", "field_type": "text", "unique": True}
_DURATION = {"label": "Duration minutes", "field_type": "number"}
PAYMENT_STATUSES = ["paid", "unpaid", "overdue", "closed", "credit"]

# The custom fields the dbt publish models (transform/models/publish/freshsales) fill; a contract
# test in tests/transform_freshsales checks every cf_ column against this list.
PROJECT_FIELDS: dict[str, list[dict[str, Any]]] = {
    "contacts": _PERSON,
    # A practitioner becomes a contact, never a lead.
    "leads": [field for field in _PERSON if field["label"] != "Practitioner role"],
    "sales_accounts": [
        _CLINIKO_ID,
        {"label": "Account type", "field_type": "dropdown", "choices": ["Clinic", "Referrer"]},
        {"label": "Location id", "field_type": "text"},
    ],
    "deals": [
        _CLINIKO_ID,
        {"label": "Payment status", "field_type": "dropdown", "choices": PAYMENT_STATUSES},
        {"label": "Invoice number", "field_type": "text"},
        {"label": "Issue date", "field_type": "date"},
        {"label": "Line items summary", "field_type": "textarea"},
    ],
    "products": [
        _CLINIKO_ID,
        {"label": "Product source", "field_type": "text"},
        {"label": "Item type", "field_type": "text"},
        {"label": "Stock quantity", "field_type": "number"},
    ],
    "tasks": [
        _CLINIKO_ID,
        {
            "label": "Outcome",
            "field_type": "dropdown",
            "choices": ["Completed", "Cancelled", "Did not arrive"],
        },
        {"label": "Cancellation reason", "field_type": "text"},
        {"label": "Ends at", "field_type": "date_time"},
        _DURATION,
    ],
    "appointments": [_CLINIKO_ID, _DURATION],
}


def _field_type(raw: dict[str, Any]) -> str:
    kind = raw.get("field_type", raw.get("type"))
    kind = TYPE_CODES.get(str(kind), kind)
    if kind is None:
        raise ApiError(400, "Field type can't be blank")
    if kind not in CUSTOM_TYPES:
        raise ApiError(400, f"Field type {kind!r} is not one of {', '.join(CUSTOM_TYPES)}")
    return kind


def _choices(raw: dict[str, Any], kind: str) -> tuple[str, ...]:
    if kind not in CHOICE_TYPES:
        return ()
    items = raw.get("choices") or []
    values = [item.get("value") if isinstance(item, dict) else item for item in items]
    if not values or not all(isinstance(value, str) and value for value in values):
        raise ApiError(400, "Choices can't be blank for a dropdown field")
    if len(set(values)) != len(values):
        raise ApiError(400, "Choices must be unique")
    return tuple(str(value) for value in values)


def parse_field(raw: Any, taken: set[str]) -> FieldDef:
    """A custom field from a create-field body (`{"label", "name"?, "field_type", ...}`)."""
    if not isinstance(raw, dict):
        raise ApiError(400, 'Request body must be wrapped as {"field": {...}}')
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ApiError(400, "Label can't be blank")
    if len(label) > TEXT_LIMIT:
        raise ApiError(400, f"Label is too long (maximum is {TEXT_LIMIT} characters)")
    name = raw.get("name") or custom_name(label)
    if not isinstance(name, str) or not name.startswith("cf_") or len(name) <= 3:
        raise ApiError(400, "Name must start with cf_")
    if name in taken:
        raise ApiError(400, "Name has already been taken")
    kind = _field_type(raw)
    return FieldDef(
        name=name,
        field_type=kind,
        label=label.strip(),
        required=bool(raw.get("required", False)),
        unique=bool(raw.get("unique", False)),
        choices=_choices(raw, kind),
        default=False,
    )


def update_field(current: FieldDef, raw: Any) -> FieldDef:
    """A custom field changed by an update body: label, required and a dropdown's choices.

    The name and type stay (a type change would break the records holding values); the choices
    sent replace the list, so a client adding values sends the existing ones too.
    """
    if not isinstance(raw, dict):
        raise ApiError(400, 'Request body must be wrapped as {"field": {...}}')
    if current.default:
        raise ApiError(400, "Standard fields cannot be edited")
    if raw.get("name", current.name) != current.name:
        raise ApiError(400, "Name cannot be changed")
    kind = raw.get("field_type", raw.get("type"))
    if kind is not None and TYPE_CODES.get(str(kind), kind) != current.field_type:
        raise ApiError(400, "Field type cannot be changed")
    changes: dict[str, Any] = {}
    if "label" in raw:
        label = raw["label"]
        if not isinstance(label, str) or not label.strip() or len(label) > TEXT_LIMIT:
            raise ApiError(400, "Label can't be blank or longer than 255 characters")
        changes["label"] = label.strip()
    if "required" in raw:
        changes["required"] = bool(raw["required"])
    if "choices" in raw:
        if current.field_type not in CHOICE_TYPES:
            raise ApiError(400, f"A {current.field_type} field has no choices")
        changes["choices"] = _choices(raw, current.field_type)
    return dataclasses.replace(current, **changes)


def build_custom_fields(definitions: dict[str, list[Any]]) -> CustomFields:
    """Custom fields per entity key from `{"contacts": [<field body>, ...], ...}`."""
    result: CustomFields = {spec.key: [] for spec in BY_KEY.values() if spec.custom_fields}
    for entity, raws in definitions.items():
        if entity not in result:
            raise ValueError(f"custom fields: {entity!r} is not an entity with custom fields")
        for raw in raws:
            taken = {spec.name for spec in result[entity]}
            try:
                result[entity].append(parse_field(raw, taken))
            except ApiError as error:
                raise ValueError(f"custom fields for {entity}: {error.messages[0]}") from None
    return result


def load_custom_fields_file(path: Path) -> dict[str, list[Any]]:
    """The definitions in a `--custom-fields-file` (JSON object keyed by entity)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"--custom-fields-file {path}: cannot read JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError(f"--custom-fields-file {path}: expected an object keyed by entity")
    return data
