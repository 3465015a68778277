"""Setup-plan calls: describe an object's fields, create a missing one through the Tooling API."""

from __future__ import annotations

from typing import Any

import httpx
from crmsync.errors import RecordRejected
from crmsync.spec import ObjectSpec

from target_salesforce.fielddefs import FieldDef
from target_salesforce.payload import sobject


class SetupCalls:
    """Mixed into SalesforceClient; `_send` is the client's authenticated, policy-run request."""

    def _send(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        raise NotImplementedError  # provided by SalesforceClient

    def list_fields(self, spec: ObjectSpec) -> list[dict[str, Any]] | None:
        """The object's fields from describe (name, type, length, externalId, unique ...).

        None when the object does not exist in the org (a custom object not deployed yet).
        """
        try:
            answer = self._send("GET", f"sobjects/{sobject(spec)}/describe", idempotent=True)
        except RecordRejected as exc:
            if exc.http_status == 404:
                return None
            raise
        return [
            {
                key: field.get(key)
                for key in (
                    "name",
                    "type",
                    "length",
                    "externalId",
                    "unique",
                    "referenceTo",
                    "createable",
                    "updateable",
                    "nillable",
                )
            }
            for field in answer.json().get("fields", [])
        ]

    def create_field(self, spec: ObjectSpec, field: FieldDef) -> str:
        """POST /tooling/sobjects/CustomField (FullName `Obj.Field__c` + Metadata); the new id.

        The field gets no field-level security: grant it to the integration user afterwards.
        """
        body = {"FullName": field.full_name, "Metadata": tooling_metadata(field)}
        answer = self._send("POST", "tooling/sobjects/CustomField", json=body, idempotent=False)
        return str(answer.json().get("id") or "")


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
