"""Request bodies: resolved fields in Salesforce's shape (`attributes.type`, the external id)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from crmsync.client import WriteItem
from crmsync.spec import ObjectSpec

EXTERNAL_ID = "Cliniko_Id__c"
# Settable on insert only with the org permission "Set Audit Fields upon Record Creation".
AUDIT_FIELDS = ("CreatedDate", "LastModifiedDate", "CreatedById", "LastModifiedById")


def sobject(spec: ObjectSpec) -> str:
    """The sObject API name of a stream (`appointment__c` → `Appointment__c`)."""
    return str(spec.options.get("sobject") or spec.endpoint)


def fields_of(spec: ObjectSpec, item: WriteItem, audit_fields: bool) -> dict[str, Any]:
    """The record's fields as Salesforce takes them (no attributes, no Id)."""
    body = dict(item.fields)
    if not audit_fields:
        for name in AUDIT_FIELDS:
            body.pop(name, None)
    if spec.external_id:
        # The upsert key is always the record's _source_id unless the model set it explicitly.
        body[spec.external_id] = body.get(spec.external_id) or item.source_id
    else:
        body.pop("Cliniko_Id__c", None)  # ContentNote takes no custom fields
    if spec.options.get("note") and isinstance(body.get("Content"), str):
        # ContentNote.Content is base64 of the note's HTML or text [docs: ContentNote].
        body["Content"] = base64.b64encode(body["Content"].encode("utf-8")).decode("ascii")
    return body


def relationship(api_field: str) -> str | None:
    """`AccountId` → `Account`, `Contact__c` → `Contact__r`; None where Salesforce has no
    external-id form (polymorphic lookups such as LinkedEntityId, FirstPublishLocationId)."""
    if api_field.endswith("__c"):
        return api_field.removesuffix("__c") + "__r"
    return STANDARD_RELATIONSHIPS.get(api_field)


# Standard lookups to one object type that has Cliniko_Id__c.
STANDARD_RELATIONSHIPS = {"AccountId": "Account", "ParentId": "Parent"}


def by_external_id(body: dict[str, Any], item: WriteItem) -> dict[str, Any]:
    """Lookups as the parent's external id (`"Account": {"Cliniko_Id__c": "business:1"}`).

    Salesforce resolves the parent itself, so the link never depends on an id this machine kept;
    the engine has already checked the parent was written (the id map holds it).
    """
    for api_field, parent in item.parents.items():
        name = relationship(api_field)
        if name and api_field in body and body[api_field] is not None:
            body.pop(api_field)
            body[name] = {EXTERNAL_ID: parent}
    return body


def bulk_row(spec: ObjectSpec, item: WriteItem, audit_fields: bool) -> dict[str, Any]:
    """One Bulk API 2.0 CSV row: lookups as `Account.Cliniko_Id__c` columns [docs]."""
    row = fields_of(spec, item, audit_fields)
    for api_field, parent in item.parents.items():
        name = relationship(api_field)
        if name and row.get(api_field) is not None:
            del row[api_field]
            row[f"{name}.{EXTERNAL_ID}"] = parent
    return row


def collection_record(spec: ObjectSpec, item: WriteItem, audit_fields: bool) -> dict[str, Any]:
    """One element of a collections request: `attributes.type` plus the fields."""
    body = by_external_id(fields_of(spec, item, audit_fields), item)
    body.pop("LinkedEntityId", None)  # a ContentNote is linked by ContentDocumentLink
    if item.crm_id:
        body["Id"] = item.crm_id
    return {"attributes": {"type": sobject(spec)}, **body}


def link_body(document_id: str, parent_id: str) -> dict[str, Any]:
    """A ContentDocumentLink sharing a note (its ContentDocument Id) with a record: viewer."""
    return {"ContentDocumentId": document_id, "LinkedEntityId": parent_id, "ShareType": "V"}


def soql_literal(value: str) -> str:
    """A quoted SOQL string literal (backslash and quote escaped) [docs: SOQL quoted strings]."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def soql_in(values: Iterable[str]) -> str:
    """`('a','b')` for an IN clause."""
    return "(" + ",".join(soql_literal(v) for v in values) + ")"
