"""`POST /tooling/sobjects/CustomField`: add a custom field that describe, writes and SOQL see."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
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


TOOLING_ROUTES = [
    Route("/tooling/sobjects/CustomField", create_custom_field, methods=["POST"]),
    Route("/tooling/sobjects/CustomField/", create_custom_field, methods=["POST"]),
]
