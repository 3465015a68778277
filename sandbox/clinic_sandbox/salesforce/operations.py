"""Create, update, upsert and delete one record: shared by single calls, collections and Bulk jobs.

Callers hold `store.lock`. Each function raises RecordError for a refused record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from clinic_sandbox.salesforce.errors import RecordError, SfError
from clinic_sandbox.salesforce.schema import CONTENT_DOCUMENT_PREFIX, DEFAULTS, ObjectSpec
from clinic_sandbox.salesforce.store import Record, Store, now_text
from clinic_sandbox.salesforce.validation import prepare


@dataclass(frozen=True)
class Context:
    """Who writes and under which org settings."""

    store: Store
    user_id: str
    audit: bool = False
    max_bytes: int = 39_321_600


class MultipleMatches(Exception):
    """An upsert value that matches several records (HTTP 300 in a single call)."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(f"{len(ids)} records match")
        self.ids = ids


def external_field(spec: ObjectSpec, name: str) -> str:
    """The upsert key, or the 404 Salesforce answers for a field that is not an external id."""
    field = spec.fields.get(name)
    if field is None or not field.external_id:
        raise SfError(
            404,
            "NOT_FOUND",
            f"Provided external ID field does not exist or is not accessible: {name}",
        )
    return name


def _check_unique(ctx: Context, spec: ObjectSpec, rid: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        field = spec.fields[name]
        if not field.unique or value is None:
            continue
        others = [other for other in ctx.store.matches(spec.name, name, value) if other != rid]
        if others:
            raise RecordError(
                "DUPLICATE_VALUE",
                f"duplicate value found: {name} duplicates value on record with id: {others[0]}",
                [name],
            )


def _blobs(ctx: Context, spec: ObjectSpec, rid: str, record: Record, values: dict) -> None:
    data = values.get(spec.blob_field or "")
    if not isinstance(data, bytes) or spec.blob_field is None:
        return
    store = ctx.store
    store.blobs[rid] = data
    record[spec.blob_field] = None  # read back as a blob URL, see render()
    record["ContentSize"] = len(data)
    if spec.name == "ContentNote":
        record["FileType"] = "SNOTE"
        record["TextPreview"] = data.decode("utf-8", "replace")[:255]
        _link(ctx, rid, ctx.user_id, "I")
        return
    path = record.get("PathOnClient") or ""
    record["FileExtension"] = path.rsplit(".", 1)[-1].lower() if "." in path else None
    record["Checksum"] = hashlib.md5(data, usedforsecurity=False).hexdigest()
    record["VersionNumber"], record["IsLatest"] = "1", True
    document = store.new_id(CONTENT_DOCUMENT_PREFIX)
    store.documents.add(document)
    record["ContentDocumentId"] = document
    _link(ctx, document, ctx.user_id, "I")
    if record.get("FirstPublishLocationId"):
        _link(ctx, document, record["FirstPublishLocationId"], "V")


def _link(ctx: Context, document: str, entity: str, share: str) -> None:
    """A ContentDocumentLink; every document gets one to its owner as well [3p]."""
    body = {"ContentDocumentId": document, "LinkedEntityId": entity, "ShareType": share}
    create(ctx, ctx.store.objects["ContentDocumentLink"], body)


def create(ctx: Context, spec: ObjectSpec, body: dict[str, Any]) -> str:
    """Insert one record; its new Id."""
    if spec.read_only:
        raise RecordError("INSUFFICIENT_ACCESS", f"{spec.name} records cannot be created here")
    store = ctx.store
    values = prepare(store, spec, body, creating=True, audit=ctx.audit, max_bytes=ctx.max_bytes)
    rid = store.new_id(spec.prefix)
    _check_unique(ctx, spec, rid, values)
    stamp = now_text()
    record: Record = {name: None for name in spec.fields}
    record.update({name: value for (obj, name), value in DEFAULTS.items() if obj == spec.name})
    record.update(Id=rid, CreatedDate=stamp, LastModifiedDate=stamp, SystemModstamp=stamp)
    record.update(CreatedById=ctx.user_id, LastModifiedById=ctx.user_id, IsDeleted=False)
    if "OwnerId" in spec.fields:
        record["OwnerId"] = ctx.user_id
    record.update(values)
    _derive(spec, record)
    store.put(spec.name, rid, record)
    _blobs(ctx, spec, rid, record, values)  # after put: a note's owner link points at the note
    return rid


def update(ctx: Context, spec: ObjectSpec, rid: str, body: dict[str, Any]) -> None:
    """Change the fields sent on a live record."""
    if spec.read_only:
        raise RecordError("INSUFFICIENT_ACCESS", f"{spec.name} records cannot be updated here")
    store = ctx.store
    current = store.get(spec.name, rid)
    if current is None:
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted")
    body = {key: value for key, value in body.items() if key != "Id"}
    values = prepare(store, spec, body, creating=False, max_bytes=ctx.max_bytes)
    _check_unique(ctx, spec, rid, values)
    record = {**current, **values, "LastModifiedById": ctx.user_id}
    record["LastModifiedDate"] = record["SystemModstamp"] = now_text()
    _derive(spec, record)
    store.put(spec.name, rid, record)


def upsert(
    ctx: Context,
    spec: ObjectSpec,
    field: str,
    value: Any,
    body: dict[str, Any],
    update_only: bool = False,
) -> tuple[str, bool]:
    """Create or update by an external id; (Id, created)."""
    if "Id" in body:
        raise RecordError("INVALID_FIELD", "Id not allowed in upsert body", ["Id"])
    if field in body and body[field] != value:
        raise RecordError(
            "INVALID_FIELD", f"{field} in the body differs from the upsert value", [field]
        )
    found = ctx.store.matches(spec.name, field, value)
    if len(found) > 1:
        raise MultipleMatches(found)
    if found:
        update(ctx, spec, found[0], {k: v for k, v in body.items() if k != field})
        return found[0], False
    if update_only:
        raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
    return create(ctx, spec, {**body, field: value}), True


def delete(ctx: Context, rid: str) -> str:
    """Move a live record of any object to the recycle bin; its object name."""
    found = ctx.store.find(rid)
    if found is None:
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted")
    name = found[0]
    if ctx.store.objects[name].read_only:
        raise RecordError("INSUFFICIENT_ACCESS", f"{name} records cannot be deleted here")
    ctx.store.remove(name, rid)
    return name


def _derive(spec: ObjectSpec, record: Record) -> None:
    if spec.name in ("Contact", "User"):
        parts = (record.get("FirstName"), record.get("LastName"))
        record["Name"] = " ".join(p for p in parts if p) or None


def render(spec: ObjectSpec, record: Record, version: str) -> Record:
    """A stored record in the API shape: `attributes` first, blob fields as their URL."""
    url = f"/services/data/v{version}/sobjects/{spec.name}/{record['Id']}"
    shown: Record = {"attributes": {"type": spec.name, "url": url}}
    shown.update({name: record.get(name) for name in spec.fields})
    if spec.blob_field:
        shown[spec.blob_field] = f"{url}/{spec.blob_field}"
    return shown
