"""Map JSON-schema properties to DuckDB column types, and decide how a column widens."""

from __future__ import annotations

import typing as t

VARCHAR = "VARCHAR"
JSON = "JSON"
BIGINT = "BIGINT"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
DATE = "DATE"
TIME = "TIME"

TEMPORAL_FORMATS = {"date-time": TIMESTAMPTZ, "date": DATE, "time": TIME}
TEMPORAL = frozenset(TEMPORAL_FORMATS.values())
# Names DuckDB's catalog may report for the types above (duckdb_columns().data_type).
_ALIASES = {"TIMESTAMPTZ": TIMESTAMPTZ, "INT64": BIGINT, "FLOAT8": DOUBLE, "BOOL": BOOLEAN}


def column_type(prop: t.Mapping[str, t.Any]) -> str:
    """The DuckDB type that stores a JSON-schema property without losing data.

    Objects, arrays and untyped properties are JSON; decimals (``x-singer.decimal``) and any
    mix of scalar types are VARCHAR, so nothing is rounded or coerced.
    """
    kinds, formats = _kinds_and_formats(prop)
    if not kinds or kinds & {"object", "array"}:
        return JSON
    if kinds == {"string"}:
        return TEMPORAL_FORMATS.get(formats.pop() or "", VARCHAR) if len(formats) == 1 else VARCHAR
    if kinds == {"integer"}:
        return BIGINT
    if kinds <= {"integer", "number"}:
        return DOUBLE
    if kinds == {"boolean"}:
        return BOOLEAN
    return VARCHAR


def _kinds_and_formats(prop: t.Mapping[str, t.Any]) -> tuple[set[str], set[str | None]]:
    kinds: set[str] = set()
    formats: set[str | None] = set()
    for branch in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
        declared = branch.get("type")
        if declared is None:
            continue
        names = {declared} if isinstance(declared, str) else set(declared)
        names.discard("null")
        kinds |= names
        if "string" in names:
            formats.add(branch.get("format"))
    if not kinds and (prop.get("anyOf") or prop.get("oneOf")):
        kinds.add("object")
    return kinds, formats


def normalize(catalog_type: str) -> str:
    """A type name as DuckDB's catalog reports it, in the spelling this module uses."""
    upper = catalog_type.upper()
    return _ALIASES.get(upper, upper)


def accepts(existing: str, incoming: str) -> bool:
    """Whether a column of type ``existing`` stores ``incoming`` values without loss."""
    return existing in (incoming, VARCHAR, JSON) or (existing == DOUBLE and incoming == BIGINT)


def widened(existing: str, incoming: str) -> str:
    """The type a column changes to when neither type holds the other: JSON or VARCHAR."""
    return JSON if JSON in (existing, incoming) else VARCHAR
