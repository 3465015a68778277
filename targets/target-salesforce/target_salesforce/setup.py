"""Setup-plan calls (crmsync.plan_model.FieldAdmin): describe an object, create a missing field.

Fields created through the Tooling API get no field-level security: the admin grants them to the
integration user (docs/salesforce.md), else describe keeps hiding them from this user.
"""

from __future__ import annotations

from typing import Any

import httpx
from crmsync.errors import RecordRejected
from crmsync.plan_model import CrmField, FieldNeed
from crmsync.spec import ObjectSpec

from target_salesforce.fielddefs import LONG_TEXT, SOBJECTS, FieldDef
from target_salesforce.payload import sobject, soql_literal

TEXT = frozenset({"text"})
# describe's field types → the neutral kinds a publish column may have.
KINDS: dict[str, frozenset[str]] = {
    "string": TEXT,
    "textarea": TEXT,
    "email": TEXT,
    "phone": TEXT,
    "url": TEXT,
    "base64": TEXT,  # ContentNote.Content: the client encodes the text
    "picklist": frozenset({"picklist", "text"}),
    "boolean": frozenset({"boolean"}),
    "int": frozenset({"number"}),
    "double": frozenset({"number"}),
    "currency": frozenset({"number"}),
    "percent": frozenset({"number"}),
    "date": frozenset({"date"}),
    "datetime": frozenset({"datetime"}),
    "reference": frozenset({"reference"}),
    "id": TEXT,
}
# What each need kind is created as (Metadata API types).
CREATED_AS = {
    "picklist": "Picklist",
    "number": "Number",
    "boolean": "Checkbox",
    "date": "Date",
    "datetime": "DateTime",
    "reference": "Lookup",
}


class SetupCalls:
    """Mixed into SalesforceClient; `_send` is the client's authenticated, policy-run request."""

    def _send(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        raise NotImplementedError  # provided by SalesforceClient

    def field_metadata(self, spec: ObjectSpec) -> list[CrmField] | None:
        """GET /sobjects/<Obj>/describe in neutral terms; [] when the object is not deployed."""
        try:
            answer = self._send("GET", f"sobjects/{sobject(spec)}/describe", idempotent=True)
        except RecordRejected as exc:
            if exc.http_status == 404:
                return []  # a custom object not deployed yet: every field is a gap
            raise
        fields = [to_crm_field(raw) for raw in answer.json().get("fields", [])]
        if spec.options.get("note"):
            # A note's parent is a ContentDocumentLink the client creates, not a field.
            link = CrmField("LinkedEntityId", frozenset({"reference"}), "ContentDocumentLink")
            fields.append(link)
        return fields

    def filled_fields(self, spec: ObjectSpec) -> set[str]:
        """The external id (from `_source_id`), a file's VersionData, the user lookup."""
        filled = {spec.external_id} if spec.external_id else set()
        if spec.options.get("multipart"):
            filled.add("VersionData")
        if spec.options.get("user_by_email"):
            filled.add(spec.options["user_by_email"][1])
        return filled

    def creatable(self, spec: ObjectSpec, name: str) -> bool:
        """Custom fields (`__c`) on objects that take them (ContentNote takes none)."""
        return name.endswith("__c") and spec.external_id is not None

    def create_field(self, spec: ObjectSpec, need: FieldNeed) -> CrmField:
        """POST /tooling/sobjects/CustomField (FullName `Obj.Field__c` + Metadata)."""
        field = field_def(spec, need)
        body = {"FullName": field.full_name, "Metadata": tooling_metadata(field)}
        self._send("POST", "tooling/sobjects/CustomField", json=body, idempotent=False)
        return CrmField(
            need.name,
            KINDS.get(DESCRIBED_AS.get(field.type, "string"), TEXT),
            field.type,
            max_length=field.length,
            choices=field.values or None,
            custom=True,
            unique=field.unique,
        )

    def add_choices(self, spec: ObjectSpec, name: str, values: tuple[str, ...]) -> CrmField:
        """Add `values` to a custom picklist through the Tooling API; the field as described now.

        The CustomField is found by its object (a custom object by its CustomObject Id, as
        TableEnumOrId holds it) and developer name; its whole Metadata is read, the values
        appended, and sent back with PATCH (a Metadata update replaces the value list) [docs:
        tooling_api_objects_customfield]. A standard field's values are set in Setup.
        """
        if not self.creatable(spec, name):
            raise RecordRejected(f"{name} is a standard field: add its values in Salesforce Setup")
        path = f"tooling/sobjects/CustomField/{self._custom_field_id(spec, name)}"
        metadata = self._send("GET", path, idempotent=True).json().get("Metadata") or {}
        body = {"Metadata": with_values(metadata, values)}
        self._send("PATCH", path, json=body, idempotent=True)  # the same list twice: one field
        now = next((f for f in self.field_metadata(spec) or [] if f.name == name), None)
        if now is None:
            raise RecordRejected(f"{name} is not visible to the integration user after the update")
        return now

    def _custom_field_id(self, spec: ObjectSpec, name: str) -> str:
        table = sobject(spec)
        if table.endswith("__c"):
            found = self._tooling_query(
                "SELECT Id FROM CustomObject WHERE DeveloperName = "  # noqa: S608
                + soql_literal(table.removesuffix("__c"))
            )
            if not found:
                raise RecordRejected(f"{table} is not deployed")
            table = str(found[0]["Id"])
        rows = self._tooling_query(
            "SELECT Id FROM CustomField WHERE DeveloperName = "  # noqa: S608
            f"{soql_literal(name.removesuffix('__c'))} AND TableEnumOrId = {soql_literal(table)}"
        )
        if not rows:
            raise RecordRejected(f"{name} is not a custom field of {sobject(spec)}")
        return str(rows[0]["Id"])

    def _tooling_query(self, soql: str) -> list[dict[str, Any]]:
        answer = self._send("GET", "tooling/query", params={"q": soql}, idempotent=True)
        return list(answer.json().get("records") or [])


def with_values(metadata: dict[str, Any], values: tuple[str, ...]) -> dict[str, Any]:
    """A picklist's Metadata with `values` appended after the values it keeps."""
    if metadata.get("type") != "Picklist":
        raise RecordRejected(f"not a picklist ({metadata.get('type')})")
    value_set = dict(metadata.get("valueSet") or {})
    definition = dict(value_set.get("valueSetDefinition") or {})
    kept = list(definition.get("value") or [])
    have = {str(v.get("fullName")) for v in kept if isinstance(v, dict)}
    kept += [{"fullName": v, "label": v, "default": False} for v in values if v not in have]
    definition["value"] = kept
    value_set["valueSetDefinition"] = definition
    return {**metadata, "valueSet": value_set}


DESCRIBED_AS = {
    "Text": "string",
    "LongTextArea": "textarea",
    "Picklist": "picklist",
    "Number": "double",
    "Checkbox": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "Lookup": "reference",
}


def to_crm_field(raw: dict[str, Any]) -> CrmField:
    """One describe field in neutral terms."""
    kind = str(raw.get("type") or "")
    picklist = kind == "picklist" and raw.get("restrictedPicklist")
    choices = tuple(str(v.get("value")) for v in raw.get("picklistValues") or [])
    required = (
        not raw.get("nillable", True)
        and bool(raw.get("createable"))
        and not raw.get("defaultedOnCreate")
        and kind != "boolean"
    )
    return CrmField(
        name=str(raw["name"]),
        kinds=KINDS.get(kind, frozenset()),
        crm_type=kind,
        max_length=raw.get("length") or None,
        choices=choices if picklist else None,
        required=required,
        custom=bool(raw.get("custom")),
        unique=raw.get("unique"),
    )


def field_def(spec: ObjectSpec, need: FieldNeed) -> FieldDef:
    """The narrowest Salesforce field that holds `need` (the external id: unique, External ID)."""
    label = need.name.removesuffix("__c").replace("_", " ")
    kind = CREATED_AS.get(need.kind)
    if kind == "Lookup":
        parent = spec.references.get(need.name, ("",))[0]
        return FieldDef(sobject(spec), need.name, kind, label, reference_to=SOBJECTS.get(parent))
    if kind == "Picklist":
        return FieldDef(sobject(spec), need.name, kind, label, values=need.values)
    if kind == "Number":
        return FieldDef(sobject(spec), need.name, kind, label, precision=18, scale=2)
    if kind is not None:
        return FieldDef(sobject(spec), need.name, kind, label)
    length = need.max_length or 255
    text = "Text" if length <= 255 else "LongTextArea"
    return FieldDef(
        sobject(spec),
        need.name,
        text,
        label,
        length=min(length, LONG_TEXT),
        external_id=need.unique,
        unique=need.unique,
    )


def tooling_metadata(field: FieldDef) -> dict[str, Any]:
    """The Tooling API `Metadata` of a CustomField [docs: tooling_api_objects_customfield]."""
    metadata: dict[str, Any] = {"label": field.label[:40], "type": field.type}
    if field.description:
        metadata["description"] = field.description[:1000]
    if field.type in ("Text", "LongTextArea"):
        metadata["length"] = field.length
    if field.type == "LongTextArea":
        metadata["visibleLines"] = 5
    if field.precision is not None:
        metadata["precision"], metadata["scale"] = field.precision, field.scale
    if field.type == "Checkbox":
        metadata["defaultValue"] = "false"
    if field.external_id:
        metadata["externalId"] = True
    if field.unique:
        metadata["unique"], metadata["caseSensitive"] = True, True
    if field.type == "Lookup":
        metadata["referenceTo"] = field.reference_to
        name = f"{field.sobject.removesuffix('__c')}_{field.name.removesuffix('__c')}"
        metadata["relationshipName"] = name[:40]
        metadata["deleteConstraint"] = "SetNull"
    if field.type == "Picklist":
        metadata["valueSet"] = {
            "restricted": True,
            "valueSetDefinition": {
                "sorted": False,
                "value": [{"fullName": v, "label": v, "default": False} for v in field.values],
            },
        }
    return metadata
