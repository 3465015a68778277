"""The setup plan's vocabulary: what a publish column needs and what a CRM field offers.

Both sides speak neutral kinds (text, picklist, number, date, datetime, boolean, json,
reference); the CRM package translates its own field types into them, so the comparison in
plan.py knows no CRM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from crmsync.errors import ConfigError
from crmsync.spec import ObjectSpec


@dataclass(frozen=True)
class FieldNeed:
    """One field a publish model writes."""

    name: str  # the column's (= API) name; references without their `_ref__` prefix
    kind: str
    max_length: int | None = None
    values: tuple[str, ...] = ()  # a picklist's accepted values, as text
    nullable: bool = True
    unique: bool = False  # the external id: the upsert key must be unique in the CRM


@dataclass(frozen=True)
class CrmField:
    """One field the CRM has on an object, in neutral terms."""

    name: str  # as the publish models name it (the client undoes its own renames)
    kinds: frozenset[str]  # the need kinds this field can hold
    crm_type: str  # the CRM's own type name, for the report
    max_length: int | None = None
    choices: tuple[str, ...] | None = None  # None: not a picklist
    required: bool = False
    custom: bool = False  # created by an admin (and by `plan --apply`), not built in
    unique: bool | None = None  # None: the CRM does not say


class FieldAdmin(Protocol):
    """What a CRM client offers for the setup plan (FreshsalesClient has it)."""

    def field_metadata(self, spec: ObjectSpec) -> list[CrmField] | None:
        """The object's fields; None when the CRM has no field metadata for it."""

    def filled_fields(self, spec: ObjectSpec) -> set[str]:
        """Fields the client fills itself (a link's type, the external id from _source_id)."""

    def create_field(self, spec: ObjectSpec, need: FieldNeed) -> CrmField:
        """Create a custom field for `need`."""

    def creatable(self, spec: ObjectSpec, name: str) -> bool:
        """True when `name` is a custom field the API can create on this object."""


class ChoiceAdmin(Protocol):
    """The optional call that lets `plan --apply` add picklist values to an existing field."""

    def add_choices(self, spec: ObjectSpec, name: str, values: tuple[str, ...]) -> CrmField:
        """Add `values` to the picklist field `name`, keeping its values; the field as it is now.

        Raises:
            RecordRejected: the CRM refused (the gap stays, with the CRM's reason).
        """


AddChoices = Callable[[ObjectSpec, str, tuple[str, ...]], CrmField]


def choice_adder(admin: object) -> AddChoices | None:
    """The client's `add_choices`, or None when its CRM package cannot add picklist values."""
    adder = getattr(admin, "add_choices", None)
    return cast(AddChoices, adder) if callable(adder) else None


def field_admin(client: object) -> FieldAdmin:
    """The client as a FieldAdmin, or a clear error when its CRM package has no field calls."""
    calls = ("field_metadata", "filled_fields", "create_field", "creatable")
    if not all(callable(getattr(client, name, None)) for name in calls):
        raise ConfigError(f"{type(client).__name__} cannot read field metadata; no setup plan")
    return cast(FieldAdmin, client)


def need_kind(data_type: str | None, enum: Any) -> str:
    """The neutral kind of a dbt column type (with accepted values: a picklist)."""
    base = (data_type or "").lower()
    if enum:
        return "picklist"
    if base.startswith(("varchar", "text", "string", "char")):
        return "text"
    if base.startswith("timestamp"):
        return "datetime"
    if base == "date":
        return "date"
    if base.startswith(("bigint", "int", "smallint", "decimal", "numeric", "double", "float")):
        return "number"
    if base.startswith("bool"):
        return "boolean"
    if base.startswith("json"):
        return "json"
    return "text"
