"""Field metadata and custom-field creation [3p routes; shapes inferred, as the simulator has them].

`GET /settings/<entity>/fields` lists standard and `cf_` fields; `POST
/settings/<entity>/forms/<form id>/fields` creates a custom field on the entity's form; `PUT
.../fields/<field id>` replaces a dropdown's choices [inferred: no documented route updates a
field, see docs/freshsales.md].
"""

from __future__ import annotations

from typing import Any

from crmsync.plan_model import CrmField, FieldNeed
from crmsync.spec import ObjectSpec

# Freshsales field type → the neutral kinds (crmsync.plan_model) a value of it can be.
KINDS: dict[str, frozenset[str]] = {
    "text": frozenset({"text"}),
    "textarea": frozenset({"text"}),
    "number": frozenset({"number"}),
    "checkbox": frozenset({"boolean"}),
    "date": frozenset({"date"}),
    "date_time": frozenset({"datetime"}),
    "dropdown": frozenset({"picklist"}),
    "radio": frozenset({"picklist"}),
    "multi_select_dropdown": frozenset({"json"}),
    "lookup": frozenset({"reference", "number"}),
    "lookup_list": frozenset({"reference", "json"}),
    "email_list": frozenset({"json"}),
    "phone_list": frozenset({"json"}),
    "object": frozenset({"json"}),
    "object_list": frozenset({"json"}),
    "tags": frozenset({"json"}),
}
TEXT_LIMIT = 255  # a longer need becomes a textarea [seed: text areas hold 32,768]


def settings_entity(spec: ObjectSpec) -> str:
    """The entity name of the settings routes (`cpq/products` → `products`)."""
    return spec.endpoint.rsplit("/", 1)[-1]


def to_crm_field(spec: ObjectSpec, raw: dict[str, Any]) -> CrmField:
    """One metadata entry in neutral terms, named as the publish models name it."""
    renames = {v: k for k, v in spec.options.get("as_list", {}).items()}
    kind = str(raw.get("field_type") or "")
    choices = raw.get("choices") or []
    return CrmField(
        name=renames.get(raw["name"], raw["name"]),
        kinds=KINDS.get(kind, frozenset()),
        crm_type=kind,
        max_length=raw.get("max_length"),
        choices=tuple(str(_choice(c)) for c in choices) if kind in ("dropdown", "radio") else None,
        required=bool(raw.get("required")),
        custom=not raw.get("default", True),
        unique=raw.get("unique"),
    )


def _choice(choice: Any) -> Any:
    return choice.get("value") if isinstance(choice, dict) else choice


def field_body(need: FieldNeed) -> dict[str, Any]:
    """The creation body for a need: the narrowest Freshsales type that holds it."""
    field_type = {
        "picklist": "dropdown",
        "number": "number",
        "boolean": "checkbox",
        "date": "date",
        "datetime": "date_time",
    }.get(need.kind)
    if field_type is None:  # text (json and references are never custom fields)
        long = need.max_length is None or need.max_length > TEXT_LIMIT
        field_type = "textarea" if long else "text"
    body: dict[str, Any] = {
        "label": label(need.name),
        "name": need.name,
        "field_type": field_type,
        "required": False,  # a required field would reject existing records on update
        "unique": need.unique,
    }
    if field_type == "dropdown":
        body["choices"] = [{"value": v} for v in need.values]
    return {"field": body}


def choices_body(raw: dict[str, Any], values: tuple[str, ...]) -> dict[str, Any]:
    """The update body: the field's choices as listed (ids kept, so records keep their values),
    then `values` as new ones."""
    kept = [c if isinstance(c, dict) else {"value": c} for c in raw.get("choices") or []]
    have = {str(_choice(c)) for c in kept}
    added = [{"value": v} for v in values if v not in have]
    return {"field": {"choices": kept + added}}


def label(name: str) -> str:
    """`cf_insurance_status` → `Insurance status` (Freshsales derives the name from it)."""
    words = name.removeprefix("cf_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
