"""Building blocks for stream schemas; each shared shape is defined here once."""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th

from tap_cliniko.records import DECIMAL_FORMAT

Properties = list[th.Property]

NULLABLE_OBJECT = th.ObjectType(additional_properties=True)
PHONE_NUMBERS = th.ArrayType(
    th.ObjectType(
        th.Property("phone_type", th.StringType),
        th.Property("number", th.StringType),
        th.Property("normalized_number", th.StringType),
        additional_properties=True,
    )
)


def strings(*names: str) -> Properties:
    """Nullable text fields."""
    return [th.Property(name, th.StringType) for name in names]


def integers(*names: str) -> Properties:
    """Nullable integer fields (codes, counts, minutes)."""
    return [th.Property(name, th.IntegerType) for name in names]


def booleans(*names: str) -> Properties:
    """Nullable boolean fields."""
    return [th.Property(name, th.BooleanType) for name in names]


def datetimes(*names: str) -> Properties:
    """Nullable UTC instants (``""`` from legacy payloads becomes null)."""
    return [th.Property(name, th.DateTimeType) for name in names]


def dates(*names: str) -> Properties:
    """Nullable calendar dates."""
    return [th.Property(name, th.DateType) for name in names]


def decimals(*names: str) -> Properties:
    """Money and quantities: exact decimal strings (numbers from the API become strings)."""
    return [
        th.Property(name, th.CustomType({"type": ["string", "null"], "format": DECIMAL_FORMAT}))
        for name in names
    ]


def objects(*names: str) -> Properties:
    """Nested JSON kept whole (custom_fields, content, repeat_rule ...)."""
    return [th.Property(name, NULLABLE_OBJECT) for name in names]


def arrays(*names: str) -> Properties:
    """Arrays of JSON values kept whole."""
    return [th.Property(name, th.ArrayType(th.CustomType({}))) for name in names]


def string_arrays(*names: str) -> Properties:
    """Arrays of strings (record ids are strings too)."""
    return [th.Property(name, th.ArrayType(th.StringType)) for name in names]


def phone_numbers(name: str) -> Properties:
    """A Cliniko phone-number list."""
    return [th.Property(name, PHONE_NUMBERS)]


def links(**targets: str) -> Properties:
    """To-one links flattened to ``<name>_id``; the value names the linked resource."""
    return [
        th.Property(
            f"{name}_id",
            th.CustomType({"type": ["string", "null"], "x-cliniko-link": target}),
        )
        for name, target in targets.items()
    ]


def timestamps() -> Properties:
    """``created_at`` and ``updated_at``, on every record that has an id."""
    return datetimes("created_at", "updated_at")


def record_schema(
    *groups: Properties, key: str | None = "id", timestamped: bool = True
) -> dict[str, Any]:
    """A stream schema: the key (a string id) and timestamps, the groups, extra fields allowed.

    Cliniko adds fields without versioning, so ``additionalProperties`` stays true: an unknown
    field reaches the target (with a warning) instead of being dropped.
    """
    # Records with an id have created_at and updated_at; services and settings have neither.
    head = [th.Property(key, th.StringType, required=True)] if key else []
    head += timestamps() if key and timestamped else []
    props = [prop for group in groups for prop in group]
    return th.PropertiesList(*head, *props, additional_properties=True).to_dict()
