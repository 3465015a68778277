"""`/composite/sobjects`: create, update, upsert, delete and retrieve up to 200 records at once.

Results come back one per input, in input order, with HTTP 200 even when records fail. With
`allOrNone` the store journals every write and undoes them all if any record fails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.salesforce.errors import ROLLED_BACK, RecordError, SfError, not_found
from clinic_sandbox.salesforce.http import context, object_body, simulator, spec_for
from clinic_sandbox.salesforce.ids import normalize
from clinic_sandbox.salesforce.operations import (
    Context,
    MultipleMatches,
    create,
    delete,
    external_field,
    render,
    update,
    upsert,
)
from clinic_sandbox.salesforce.schema import ObjectSpec
from clinic_sandbox.salesforce.validation import check_known

MAX_RECORDS = 200
TOO_MANY = SfError(
    400,
    "EXCEEDED_ID_LIMIT",
    "EXCEEDED_ID_LIMIT: record limit reached. cannot submit more than 200 records into this call",
)
Step = Callable[[Context, Any], dict[str, Any]]


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


async def _records(request: Request) -> tuple[list[dict[str, Any]], bool]:
    body = await object_body(request)
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise SfError(400, "JSON_PARSER_ERROR", "The request must carry a non-empty records list")
    if len(records) > MAX_RECORDS:
        raise TOO_MANY
    if not all(isinstance(record, dict) for record in records):
        raise SfError(400, "JSON_PARSER_ERROR", "Every record must be a JSON object")
    return records, _flag(body.get("allOrNone"))


def _typed(request: Request, record: dict[str, Any]) -> ObjectSpec:
    """The object a record's `attributes.type` names; unknown → the whole request fails."""
    kind = (
        (record.get("attributes") or {}).get("type")
        if isinstance(record.get("attributes"), dict)
        else None
    )
    if not isinstance(kind, str):
        raise SfError(400, "INVALID_TYPE", "Each record needs attributes.type")
    try:
        return spec_for(request, kind)
    except SfError:
        raise SfError(400, "INVALID_TYPE", f"sObject type '{kind}' is not supported.") from None


def _key_text(value: Any) -> str | None:
    """An external-id value as stored (text): `123` and `"123"` are the same key."""
    if value is None or value == "" or isinstance(value, (bool, dict, list)):
        return None
    return str(value)


def _checked(request: Request, records: list[dict[str, Any]]) -> list[tuple[ObjectSpec, Any]]:
    """(object, record) pairs; an unknown type or field refuses the whole request."""
    pairs = [(_typed(request, record), record) for record in records]
    for spec, record in pairs:
        check_known(spec, record)
    return pairs


def _failed(error: RecordError, rid: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"success": False, "errors": [error.entry()]}
    return {"id": rid, **result} if rid else result


def _run(ctx: Context, items: list[Any], step: Step, all_or_none: bool, ids: list) -> list:
    """Apply `step` to each item in order; with allOrNone, undo everything if one fails."""
    store = ctx.store
    with store.lock:
        if all_or_none:
            store.begin()
        results = []
        for item, rid in zip(items, ids, strict=True):
            try:
                results.append(step(ctx, item))
            except RecordError as error:
                results.append(_failed(error, rid))
        if not all_or_none:
            return results
        if all(result["success"] for result in results):
            store.commit()
            return results
        store.rollback()
        return [
            result if not result["success"] else _failed(ROLLED_BACK, ids[index])
            for index, result in enumerate(results)
        ]


async def create_many(request: Request) -> JSONResponse:
    records, all_or_none = await _records(request)
    ctx = context(request)
    with ctx.store.lock:
        pairs = _checked(request, records)

        def step(ctx: Context, pair: Any) -> dict[str, Any]:
            return {"id": create(ctx, *pair), "success": True, "errors": []}

        return JSONResponse(_run(ctx, pairs, step, all_or_none, [None] * len(records)))


async def update_many(request: Request) -> JSONResponse:
    records, all_or_none = await _records(request)
    ctx = context(request)
    with ctx.store.lock:
        pairs = _checked(request, records)

        def step(ctx: Context, pair: Any) -> dict[str, Any]:
            spec, record = pair
            raw = record.get("Id")
            if not raw:
                raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call")
            rid = normalize(raw) if isinstance(raw, str) else None
            if rid is None or ctx.store.get(spec.name, rid) is None:
                raise RecordError("ENTITY_IS_DELETED", "entity is deleted")
            update(ctx, spec, rid, record)
            return {"id": rid, "success": True, "errors": []}

        return JSONResponse(_run(ctx, pairs, step, all_or_none, [None] * len(records)))


async def upsert_many(request: Request) -> JSONResponse:
    records, all_or_none = await _records(request)
    ctx = context(request)
    with ctx.store.lock:
        spec = spec_for(request)
        field = external_field(spec, request.path_params["field"])
        for record in records:
            if _typed(request, record) is not spec:
                raise SfError(400, "INVALID_TYPE", f"Every record must be of type {spec.name}")
            check_known(spec, record)
        seen = Counter(_key_text(r.get(field)) for r in records)

        def step(ctx: Context, record: Any) -> dict[str, Any]:
            value = _key_text(record.get(field))
            if value is None:
                raise RecordError("MISSING_ARGUMENT", f"{field} not specified", [field])
            if seen[value] > 1:
                raise RecordError(
                    "DUPLICATE_EXTERNAL_ID", f"Duplicate external id specified: {value}", [field]
                )
            body = {key: val for key, val in record.items() if key != field}
            try:
                rid, created = upsert(ctx, spec, field, value, body)
            except MultipleMatches:
                raise RecordError(
                    "DUPLICATE_EXTERNAL_ID",
                    f"Duplicate external id specified: {value}",
                    [field],
                ) from None
            return {"id": rid, "success": True, "errors": [], "created": created}

        return JSONResponse(_run(ctx, records, step, all_or_none, [None] * len(records)))


async def delete_or_retrieve(request: Request) -> JSONResponse:
    raw_ids = [part for part in request.query_params.get("ids", "").split(",") if part]
    if not raw_ids:
        raise SfError(400, "MISSING_ARGUMENT", "ids is required")
    if len(raw_ids) > MAX_RECORDS:
        raise TOO_MANY
    ctx = context(request)
    ids = [normalize(raw) or raw for raw in raw_ids]
    if request.method == "GET":
        return _retrieve(request, ctx, ids)
    all_or_none = _flag(request.query_params.get("allOrNone"))

    def step(ctx: Context, rid: Any) -> dict[str, Any]:
        delete(ctx, rid)
        return {"id": rid, "success": True, "errors": []}

    return JSONResponse(_run(ctx, ids, step, all_or_none, ids))


def _retrieve(request: Request, ctx: Context, ids: list[str]) -> JSONResponse:
    if "name" not in request.path_params:
        raise not_found()
    version = simulator(request).config.api_version
    wanted = request.query_params.get("fields", "")
    keep = {"attributes", "Id", *(name.strip() for name in wanted.split(",") if name.strip())}
    with ctx.store.lock:
        spec = spec_for(request)
        held = [ctx.store.get(spec.name, rid) for rid in ids]
        shown = [
            {k: v for k, v in render(spec, record, version).items() if k in keep}
            if record
            else None
            for record in held
        ]
    return JSONResponse(shown)


COLLECTION_ROUTES = [
    Route("/composite/sobjects", create_many, methods=["POST"]),
    Route("/composite/sobjects", update_many, methods=["PATCH"]),
    Route("/composite/sobjects", delete_or_retrieve, methods=["DELETE"]),
    Route("/composite/sobjects/{name}", update_many, methods=["PATCH"]),
    Route("/composite/sobjects/{name}", delete_or_retrieve, methods=["DELETE", "GET"]),
    Route("/composite/sobjects/{name}/{field}", upsert_many, methods=["PATCH"]),
]
