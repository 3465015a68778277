"""Keep every emitted record true to the schema the tap announced, when Cliniko drifts from it.

Cliniko adds fields and could change a field's type without versioning its API. Dropping what
does not fit would lose data and failing would stop a migration, so the tap declares instead:

- a field the schema does not know is added to the schema with the JSON type of its first
  non-null value (a non-integer number becomes an exact decimal string, like money fields);
- a field whose value does not fit its declared type is re-declared as text, and from then on
  in this run every value of it is sent as text (strings as they are, anything else as JSON).

Either way the stream's SCHEMA message is sent again before the record, so a target that adds
and widens columns (target-staging) keeps the field, and one WARNING names the stream and the
field (never the value).
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Callable
from typing import Any

import msgspec

DECIMAL_FORMAT = "x-singer.decimal"
TEXT: dict[str, Any] = {"type": ["string", "null"]}

# Python types json decoding gives for each JSON-schema type (bool is not an integer here).
_CLASSES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float, decimal.Decimal),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}
_TYPE_NAMES: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    decimal.Decimal: "number",
    dict: "object",
    list: "array",
    type(None): "null",
}
_INFERRED: dict[str, dict[str, Any]] = {
    "string": TEXT,
    "boolean": {"type": ["boolean", "null"]},
    "integer": {"type": ["integer", "null"]},
    "number": {"type": ["string", "null"], "format": DECIMAL_FORMAT},
    "object": {"type": ["object", "null"], "additionalProperties": True},
    "array": {"type": ["array", "null"], "items": {}},
}
_UNDECLARED: Any = object()  # typed Any: a sentinel beside frozensets in one dict lookup
_JSON_TEXT = msgspec.json.Encoder(decimal_format="number", enc_hook=str)

OnDeclare = Callable[[str, dict[str, Any]], None]


def accepted_classes(prop: dict[str, Any]) -> frozenset[type] | None:
    """The Python types a value of ``prop`` may have; None when the schema does not say."""
    declared = prop.get("type")
    names = [declared] if isinstance(declared, str) else declared
    if not isinstance(names, list) or not all(name in _CLASSES for name in names):
        return None  # untyped, anyOf ...: anything goes
    return frozenset(cls for name in names for cls in _CLASSES[name])


def json_type_name(value: Any) -> str:
    """The JSON type of a decoded value, for messages (never the value itself)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def as_text(value: Any) -> str | None:
    """A value as text: strings unchanged, anything else as its JSON."""
    if value is None or type(value) is str:
        return value
    return _JSON_TEXT.encode(value).decode()


class SchemaGuard:
    """Check each record against the stream's declared properties; declare what drifted."""

    def __init__(
        self,
        stream_name: str,
        properties: dict[str, Any],
        logger: logging.Logger,
        on_declare: OnDeclare | None = None,
    ) -> None:
        """``properties`` is the stream's own (per-instance) schema properties, updated here."""
        self.stream_name = stream_name
        self.properties = properties
        self.logger = logger
        self.on_declare = on_declare
        self.accepted = {name: accepted_classes(prop) for name, prop in properties.items()}
        #: Fields re-declared as text in this run (their type changed).
        self.text_fields: set[str] = set()
        #: Fields declared as decimals by inference (their numbers become strings).
        self.inferred_decimals: set[str] = set()

    def check(self, record: dict[str, Any]) -> None:
        """Make ``record`` fit the declared schema, declaring new and changed fields."""
        if self.text_fields:
            for name in self.text_fields & record.keys():
                record[name] = as_text(record[name])
        if self.inferred_decimals:
            for name in self.inferred_decimals & record.keys():
                record[name] = _decimal_text(record[name])
        accepted = self.accepted
        misfits = None
        for name, value in record.items():
            allowed = accepted.get(name, _UNDECLARED)
            if allowed is None or (allowed is not _UNDECLARED and type(value) in allowed):
                continue
            misfits = misfits or []
            misfits.append(name)
        for name in misfits or ():
            if name in accepted:
                self._retype_as_text(record, name)
            else:
                self._declare_new(record, name)

    def _declare_new(self, record: dict[str, Any], name: str) -> None:
        kind = json_type_name(record[name])
        prop = dict(_INFERRED.get(kind, TEXT))
        if kind == "number":
            self.inferred_decimals.add(name)
            record[name] = _decimal_text(record[name])
        elif kind not in _INFERRED:
            self.text_fields.add(name)
            record[name] = as_text(record[name])
        self.logger.warning(
            "Stream '%s': Cliniko sent field '%s', which the tap's schema does not know; "
            "declaring it (%s) and passing it through (please report it so the schema can "
            "declare it)",
            self.stream_name,
            name,
            "decimal string" if kind == "number" else prop["type"][0],
        )
        self._declare(name, prop)

    def _retype_as_text(self, record: dict[str, Any], name: str) -> None:
        declared = self.properties.get(name, {}).get("type")
        if isinstance(declared, list):
            declared = "/".join(kind for kind in declared if kind != "null")
        self.logger.warning(
            "Stream '%s': field '%s' is declared %s but Cliniko sent %s; emitting the field "
            "as text from here on in this run (please report it so the schema can be corrected)",
            self.stream_name,
            name,
            declared,
            json_type_name(record[name]),
        )
        self.text_fields.add(name)
        self.inferred_decimals.discard(name)
        record[name] = as_text(record[name])
        self._declare(name, dict(TEXT))

    def _declare(self, name: str, prop: dict[str, Any]) -> None:
        self.properties[name] = prop
        self.accepted[name] = accepted_classes(prop)
        if self.on_declare is not None:
            self.on_declare(name, prop)


def _decimal_text(value: Any) -> Any:
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return str(value)
    return as_text(value)
