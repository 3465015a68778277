"""Tooling CustomField: create a custom field that describe, writes and SOQL see; read one's
Metadata and update it (a picklist's values)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinic_sandbox.salesforce.errors import SfError
from clinic_sandbox.salesforce.http import object_body, simulator
from clinic_sandbox.salesforce.schema import Field

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__c$")
# Metadata type → (describe type, default length, length required)
TYPES: dict[str, tuple[str, int, bool]] = {
    "Text": ("string", 255, True),
    "TextArea": ("textarea", 255, False),
    "LongTextArea": ("textarea", 32768, True),
    "Email": ("email", 80, False),
    "Phone": ("phone", 40, False),
    "Url": ("url", 255, False),
    "Number": ("double", 0, False),
    "Currency": ("currency", 0, False),
    "Checkbox": ("boolean", 0, False),
    "Date": ("date", 0, False),
    "DateTime": ("datetime", 0, False),
    "Picklist": ("picklist", 255, False),
    "Lookup": ("reference", 18, False),
}
MAX_LENGTH = {"Text": 255, "LongTextArea": 131072}


def _integrity(message: str) -> SfError:
    return SfError(400, "FIELD_INTEGRITY_EXCEPTION", message)


def _picklist(metadata: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    value_set = metadata.get("valueSet") or {}
    values = ((value_set.get("valueSetDefinition") or {}).get("value")) or []
    names = tuple(str(v.get("fullName")) for v in values if isinstance(v, dict))
    if not names or any(n in ("", "None") for n in names):
        raise _integrity("Picklist fields need valueSet.valueSetDefinition.value entries")
    return names, bool(value_set.get("restricted"))


def build_field(name: str, metadata: dict[str, Any], objects: dict) -> Field:
    """The Field a Tooling request describes; FIELD_INTEGRITY_EXCEPTION when it is incomplete."""
    kind = metadata.get("type")
    if kind not in TYPES:
        raise _integrity(f"Unknown or missing field type: {kind}")
    if not isinstance(metadata.get("label"), str) or not metadata["label"].strip():
        raise _integrity("Label is required")
    sf_type, length, needs_length = TYPES[kind]
    if needs_length:
        given = metadata.get("length")
        if not isinstance(given, int) or not 1 <= given <= MAX_LENGTH[kind]:
            raise _integrity(f"Length must be between 1 and {MAX_LENGTH[kind]}")
        length = given
    extra: dict[str, Any] = {}
    if kind == "Picklist":
        extra["picklist"], extra["restricted"] = _picklist(metadata)
    if kind == "Lookup":
        target = metadata.get("referenceTo")
        if target not in objects:
            raise _integrity(f"referenceTo {target} is not an object")
        extra["reference_to"] = (target,)
        # A custom relationship is addressed as <relationshipName>__r [docs].
        given = metadata.get("relationshipName") or name.removesuffix("__c")
        extra["relationship"] = f"{given}__r"
    unique = bool(metadata.get("unique"))
    return Field(
        name,
        sf_type,
        length,
        label=metadata["label"],
        custom=True,
        external_id=bool(metadata.get("externalId")),
        unique=unique,
        defaulted=kind == "Checkbox",
        **extra,
    )


async def create_custom_field(request: Request) -> JSONResponse:
    body = await object_body(request)
    full_name, metadata = body.get("FullName"), body.get("Metadata")
    if not isinstance(full_name, str) or "." not in full_name or not isinstance(metadata, dict):
        raise _integrity("FullName (Object.Field__c) and Metadata are required")
    obj, _, name = full_name.partition(".")
    store = simulator(request).store
    with store.lock:
        spec = store.objects.get(obj)
        if spec is None or not spec.takes_custom_fields:
            raise SfError(400, "INVALID_TYPE", f"Cannot add custom fields to {obj}")
        if not _NAME.match(name) or len(name) > 43:
            raise SfError(400, "INVALID_FIELD", f"Invalid custom field name: {name}")
        if name in spec.fields:
            developer = name.removesuffix("__c")
            raise SfError(
                400,
                "DUPLICATE_DEVELOPER_NAME",
                f"There is already a field named {developer} on {obj}.",
            )
        field = build_field(name, metadata, store.objects)
        # Insert before the system fields so describe lists it with the object's own fields.
        fields = list(spec.fields.items())
        cut = next(i for i, (key, _) in enumerate(fields) if key == "CreatedDate")
        spec.fields = dict([*fields[:cut], (name, field), *fields[cut:]])
        for record in store.records[obj].values():
            record.setdefault(name, False if field.type == "boolean" else None)
        rid = store.add_tooling_row(obj, name)
    return JSONResponse({"id": rid, "success": True, "errors": []}, status_code=201)


# describe type → Metadata type, for reading a field's Metadata back.
METADATA_TYPES = {
    "string": "Text",
    "textarea": "LongTextArea",
    "email": "Email",
    "phone": "Phone",
    "url": "Url",
    "double": "Number",
    "currency": "Currency",
    "boolean": "Checkbox",
    "date": "Date",
    "datetime": "DateTime",
    "picklist": "Picklist",
    "reference": "Lookup",
}


def metadata_of(field: Field) -> dict[str, Any]:
    """The CustomField `Metadata` of a field, as GET answers it (the parts this simulator keeps)."""
    metadata: dict[str, Any] = {
        "label": field.label or field.name,
        "type": METADATA_TYPES.get(field.type, "Text"),
        "externalId": field.external_id,
        "unique": field.unique,
    }
    if field.type in ("string", "textarea"):
        metadata["length"] = field.length
    if field.type == "picklist":
        metadata["valueSet"] = {
            "restricted": field.restricted,
            "valueSetDefinition": {
                "sorted": False,
                "value": [{"fullName": v, "label": v, "default": False} for v in field.picklist],
            },
        }
    if field.reference_to:
        metadata["referenceTo"] = field.reference_to[0]
    return metadata


def _located(request: Request) -> tuple[Any, str, str]:
    store = simulator(request).store
    found = store.tooling_field(request.path_params["rid"])
    if found is None:
        raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
    return store, found[0], found[1]


async def read_custom_field(request: Request) -> JSONResponse:
    """`GET /tooling/sobjects/CustomField/{Id}`: FullName and Metadata."""
    store, obj, name = _located(request)
    with store.lock:
        field = store.objects[obj].fields[name]
        body = {"Id": request.path_params["rid"], "FullName": f"{obj}.{name}"}
        return JSONResponse({**body, "Metadata": metadata_of(field)})


async def update_custom_field(request: Request) -> Response:
    """`PATCH /tooling/sobjects/CustomField/{Id}` with the whole Metadata: the label and a
    picklist's value set may change (the list sent replaces the values); the type may not."""
    body = await object_body(request)
    metadata = body.get("Metadata")
    if not isinstance(metadata, dict):
        raise _integrity("Metadata is required")
    store, obj, name = _located(request)
    with store.lock:
        spec = store.objects[obj]
        field = spec.fields[name]
        if metadata.get("type") != METADATA_TYPES.get(field.type):
            raise _integrity(f"Cannot change the type of {name} to {metadata.get('type')}")
        changes: dict[str, Any] = {}
        if isinstance(metadata.get("label"), str) and metadata["label"].strip():
            changes["label"] = metadata["label"]
        if field.type == "picklist":
            changes["picklist"], changes["restricted"] = _picklist(metadata)
        spec.fields[name] = replace(field, **changes)
    return Response(status_code=204)


TOOLING_ROUTES = [
    Route("/tooling/sobjects/CustomField", create_custom_field, methods=["POST"]),
    Route("/tooling/sobjects/CustomField/", create_custom_field, methods=["POST"]),
    Route("/tooling/sobjects/CustomField/{rid}", read_custom_field, methods=["GET"]),
    Route("/tooling/sobjects/CustomField/{rid}", update_custom_field, methods=["PATCH"]),
]
