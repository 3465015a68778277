"""Field definitions: the types Freshsales field metadata names, their limits, and value checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

TEXT_LIMIT = 255
# The seed's figure for Freshsales text areas.
TEXTAREA_LIMIT = 32_768
# Note bodies: no vendor figure found; a MySQL TEXT column's size.
NOTE_LIMIT = 65_535

CHOICE_TYPES = ("dropdown", "radio", "multi_select_dropdown")
CUSTOM_TYPES = (
    "text",
    "textarea",
    "number",
    "checkbox",
    "date",
    "date_time",
    "dropdown",
    "radio",
    "multi_select_dropdown",
)
# Numeric codes accepted by field creation; the real codes are not published (our mapping).
TYPE_CODES = {str(code): name for code, name in enumerate(CUSTOM_TYPES, start=1)}
DEFAULT_LIMITS = {"text": TEXT_LIMIT, "textarea": TEXTAREA_LIMIT}


@dataclass(frozen=True)
class FieldDef:
    """One field of an entity: standard (`default=True`) or custom (`cf_...`)."""

    name: str
    field_type: str
    label: str = ""
    required: bool = False
    unique: bool = False
    choices: tuple[Any, ...] = ()
    max_length: int | None = None
    ref: str | None = None  # entity key a lookup points at ("users", "sales_accounts" ...)
    default: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def limit(self) -> int | None:
        """The text length limit of the field, if it is a text field."""
        return self.max_length or DEFAULT_LIMITS.get(self.field_type)

    @property
    def shown_label(self) -> str:
        """The label, or one made from the name."""
        return self.label or self.name.replace("_", " ").capitalize()


def text(name: str, **kw: Any) -> FieldDef:
    """A single-line text field."""
    return FieldDef(name, "text", **kw)


def custom_name(label: str) -> str:
    """The `cf_` name Freshsales derives from a label: `Cliniko id` → `cf_cliniko_id`."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return f"cf_{slug}"


def is_number(value: Any) -> bool:
    """A JSON number or a numeric string (amounts often arrive as decimal strings)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()) is not None


def is_id(value: Any) -> bool:
    """A record id: a positive integer or a string of digits."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value > 0) or (isinstance(value, str) and value.isdigit())


def is_date(value: Any) -> bool:
    """A calendar date `YYYY-MM-DD`."""
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def parse_datetime(value: Any) -> datetime | None:
    """An ISO-8601 date-time (a trailing `Z` allowed), or None when it is not one."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _text_problem(value: Any, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if limit is not None and len(value) > limit:
        return f"is too long (maximum is {limit} characters)"
    return None


def _list_of(value: Any, item_ok: Any) -> bool:
    return isinstance(value, list) and all(item_ok(item) for item in value)


def _value_entry(item: Any) -> bool:
    value = item.get("value") if isinstance(item, dict) else None
    return isinstance(value, str) and len(value) <= TEXT_LIMIT


def _lookup_entry(item: Any) -> bool:
    return is_id(item.get("id") if isinstance(item, dict) else item)


def value_problem(spec: FieldDef, value: Any) -> str | None:
    """Why a non-null value does not fit the field (without the field name), or None."""
    kind = spec.field_type
    if kind in ("text", "textarea"):
        return _text_problem(value, spec.limit)
    if kind == "number":
        return None if is_number(value) else "must be a number"
    if kind == "checkbox":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if is_date(value) else "must be a date (YYYY-MM-DD)"
    if kind == "date_time":
        return None if parse_datetime(value) else "must be an ISO-8601 date-time"
    if kind in ("dropdown", "radio"):
        return None if value in spec.choices else "is not included in the list"
    if kind == "multi_select_dropdown":
        ok = _list_of(value, lambda item: item in spec.choices)
        return None if ok else "is not included in the list"
    if kind in ("email_list", "phone_list"):
        return None if _list_of(value, _value_entry) else 'must be a list of {"value": ...}'
    if kind == "lookup":
        return None if is_id(value) else "must be a record id"
    if kind == "lookup_list":
        return None if _list_of(value, _lookup_entry) else "must be a list of record ids"
    if kind == "object":
        return None if isinstance(value, dict) else "must be an object"
    if kind == "object_list":
        return None if _list_of(value, lambda item: isinstance(item, dict)) else "must be a list"
    if kind == "tags":
        ok = _list_of(value, lambda item: isinstance(item, str) and len(item) <= TEXT_LIMIT)
        return None if ok else "must be a list of text"
    return None


def field_id(spec: FieldDef, entity: str) -> str:
    """The id metadata gives a field (stable: made from its name)."""
    return f"f-{entity}-{spec.name}"


def metadata(spec: FieldDef, entity: str, model: str, position: int) -> dict[str, Any]:
    """The field as `GET /settings/<entity>/fields` shows it."""
    return {
        "id": field_id(spec, entity),
        "name": spec.name,
        "label": spec.shown_label,
        "field_type": spec.field_type,
        "required": spec.required,
        "default": spec.default,
        "unique": spec.unique,
        "max_length": spec.limit,
        "choices": [
            {"id": index, "value": value, "position": index}
            for index, value in enumerate(spec.choices, start=1)
        ],
        "position": position,
        "base_model": model,
        "editable": True,
    }
