"""JSON-schema properties for publish columns, from dbt ``data_type``s or DuckDB's catalog types."""

from __future__ import annotations

import re
import typing as t

_LENGTH = re.compile(r"^(?:var)?char(?:acter)?(?: varying)?\s*\(\s*(\d+)\s*\)$")
_INTEGERS = {
    "tinyint",
    "smallint",
    "integer",
    "int",
    "int2",
    "int4",
    "int8",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
    "long",
    "short",
    "signed",
}
_NUMBERS = {"double", "float", "real", "float4", "float8", "double precision"}
# JSON columns of publish models hold objects or lists (custom-field sets, tag lists).
_ANY_JSON = ("object", "array")
_TEMPORAL = {
    "date": "date",
    "time": "time",
    "timestamp": "date-time",
    "datetime": "date-time",
    "timestamptz": "date-time",
    "timestamp with time zone": "date-time",
    "timestamp without time zone": "date-time",
    "timestamp_s": "date-time",
    "timestamp_ms": "date-time",
    "timestamp_ns": "date-time",
}


def is_json(data_type: str | None) -> bool:
    """Whether values of this type arrive as JSON text to be parsed."""
    return (data_type or "").strip().lower() == "json"


def property_schema(
    data_type: str | None,
    *,
    nullable: bool = True,
    max_length: int | None = None,
    enum: t.Sequence[t.Any] | None = None,
) -> dict[str, t.Any]:
    """The JSON-schema property for one column.

    Args:
        data_type: The column's type as dbt or DuckDB spells it (``varchar(255)``,
            ``DECIMAL(18,2)``, ``TIMESTAMP WITH TIME ZONE``, ``VARCHAR[]`` ...); unknown or
            missing types give a string.
        nullable: False when the column has a ``not_null`` constraint.
        max_length: Longest text the CRM field takes (overrides a ``varchar(n)`` length).
        enum: The values a picklist column may hold.

    Returns:
        The property, e.g. ``{"type": ["string", "null"], "maxLength": 255}``.
    """
    spelled = (data_type or "varchar").strip().lower()
    prop: dict[str, t.Any]
    if spelled.endswith("[]"):
        prop = {"type": ["array"], "items": property_schema(spelled[:-2])}
    elif spelled.startswith(("struct", "map")):
        prop = {"type": ["object"]}
    elif spelled == "json":
        prop = {"type": list(_ANY_JSON)}
    elif spelled in _INTEGERS:
        prop = {"type": ["integer"]}
    elif spelled in _NUMBERS or spelled.startswith(("decimal", "numeric")):
        prop = {"type": ["number"]}
    elif spelled in ("boolean", "bool", "logical"):
        prop = {"type": ["boolean"]}
    elif spelled in _TEMPORAL:
        prop = {"type": ["string"], "format": _TEMPORAL[spelled]}
    else:
        prop = {"type": ["string"]}
        length = _LENGTH.match(spelled)
        if length:
            prop["maxLength"] = int(length.group(1))
    if max_length is not None:
        prop["maxLength"] = int(max_length)
    if enum:
        prop["enum"] = [*enum, None] if nullable else list(enum)
    if nullable and "type" in prop:
        prop["type"].append("null")
    return prop
