"""Custom fields and objects the publish models need, read from their contracts (dbt manifest)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmsync.spec import REF_PREFIX

from target_salesforce.objects import EXTERNAL_ID, OBJECTS

LONG_TEXT = 131072  # Long Text Area's largest configured length [docs]
SOBJECTS = {spec.stream: str(spec.options["sobject"]) for spec in OBJECTS}
# Objects that take custom fields: ContentNote has none (its notes live in the id map only).
TAKES_CUSTOM = {spec.stream for spec in OBJECTS if spec.external_id}
# Lookups the target fills itself: Practitioner__c.User__c from Email__c.
USER_LINKS = {
    spec.stream: spec.options["user_by_email"][1]
    for spec in OBJECTS
    if spec.options.get("user_by_email")
}


@dataclass(frozen=True)
class FieldDef:
    """One custom field as a setup plan, package.xml and the definition sheet describe it."""

    sobject: str
    name: str  # API name, ending __c
    type: str  # Metadata API type: Text, LongTextArea, Number, Checkbox, Date(Time), Lookup ...
    label: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    external_id: bool = False
    unique: bool = False
    reference_to: str | None = None
    values: tuple[str, ...] = ()
    description: str = ""

    @property
    def full_name(self) -> str:
        """`Contact.Cliniko_Id__c`."""
        return f"{self.sobject}.{self.name}"


def load_manifest(path: Path) -> dict[str, Any]:
    """target/manifest.json of `dbt parse` or `dbt build`."""
    return dict(json.loads(path.read_text()))


def field_defs(manifest: dict[str, Any]) -> list[FieldDef]:
    """Every custom (`__c`) column of the salesforce__* publish models, in model order."""
    defs: list[FieldDef] = []
    for node in sorted(_models(manifest), key=lambda n: n["name"]):
        stream = node["name"].removeprefix("salesforce__")
        sobject = SOBJECTS.get(stream)
        if sobject is None or stream not in TAKES_CUSTOM:
            continue
        references = (node.get("config", {}).get("meta") or {}).get("references") or {}
        for column in node.get("columns", {}).values():
            definition = _field(sobject, column, references)
            if definition is not None:
                defs.append(definition)
        if stream in USER_LINKS:
            name = USER_LINKS[stream]
            defs.append(
                FieldDef(
                    sobject,
                    name,
                    "Lookup",
                    "User",
                    reference_to="User",
                    description="The Salesforce user whose email matches Email__c.",
                )
            )
    return defs


def custom_objects(defs: list[FieldDef]) -> list[str]:
    """The custom objects (`__c`) the fields live on, in first-seen order."""
    return list(dict.fromkeys(d.sobject for d in defs if d.sobject.endswith("__c")))


def _models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        n
        for n in manifest.get("nodes", {}).values()
        if n.get("resource_type") == "model" and str(n.get("name", "")).startswith("salesforce__")
    ]


def _field(
    sobject: str, column: dict[str, Any], references: dict[str, list[str]]
) -> FieldDef | None:
    name = str(column["name"])
    meta = column.get("meta") or {}
    description = str(column.get("description") or "")
    if name.startswith(REF_PREFIX):
        target_field = name[len(REF_PREFIX) :]
        parents = references.get(name) or []
        if not target_field.endswith("__c") or not parents:
            return None  # standard lookups (AccountId, LinkedEntityId ...) exist already
        parent = parents[0]
        label = target_field.removesuffix("__c").replace("_", " ")
        return FieldDef(
            sobject,
            target_field,
            "Lookup",
            label,
            reference_to=SOBJECTS.get(parent, parent),
            description=description,
        )
    if not name.endswith("__c"):
        return None
    label = str(meta.get("label") or name.removesuffix("__c").replace("_", " "))
    data_type = str(column.get("data_type") or "varchar").lower()
    if name == EXTERNAL_ID:
        return FieldDef(
            sobject,
            name,
            "Text",
            "Cliniko Id",
            length=int(meta.get("max_length") or 255),
            external_id=True,
            unique=True,
            description=description,
        )
    if meta.get("picklist"):
        values = tuple(str(v) for v in meta["picklist"])
        return FieldDef(sobject, name, "Picklist", label, values=values, description=description)
    if data_type.startswith("bool"):
        return FieldDef(sobject, name, "Checkbox", label, description=description)
    if data_type.startswith("timestamp"):
        return FieldDef(sobject, name, "DateTime", label, description=description)
    if data_type == "date":
        return FieldDef(sobject, name, "Date", label, description=description)
    if data_type.startswith(("decimal", "numeric", "double")):
        return FieldDef(
            sobject,
            name,
            str(meta.get("sf_type") or "Number"),
            label,
            precision=18,
            scale=2,
            description=description,
        )
    if data_type in ("integer", "bigint", "int"):
        return FieldDef(
            sobject, name, "Number", label, precision=18, scale=0, description=description
        )
    length = int(meta.get("max_length") or 255)
    kind = "Text" if length <= 255 else "LongTextArea"
    return FieldDef(
        sobject, name, kind, label, length=min(length, LONG_TEXT), description=description
    )
