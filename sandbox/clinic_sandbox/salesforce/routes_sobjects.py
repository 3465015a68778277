"""`/sobjects`: describe, one-record create/read/update/delete, upsert by external id, blobs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinic_sandbox.salesforce.errors import RecordError, not_found
from clinic_sandbox.salesforce.http import (
    context,
    object_body,
    record_id,
    simulator,
    spec_for,
)
from clinic_sandbox.salesforce.operations import (
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


async def describe_global(request: Request) -> JSONResponse:
    store = simulator(request).store
    with store.lock:
        listed = [spec.summary() for spec in store.objects.values()]
    return JSONResponse({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": listed})


async def describe(request: Request) -> JSONResponse:
    store = simulator(request).store
    with store.lock:
        return JSONResponse(spec_for(request).describe())


async def basic_info(request: Request) -> JSONResponse:
    with simulator(request).store.lock:
        return JSONResponse({"objectDescribe": spec_for(request).summary(), "recentItems": []})


def _shown(request: Request, spec: ObjectSpec, record: dict) -> JSONResponse:
    shown = render(spec, record, simulator(request).config.api_version)
    wanted = request.query_params.get("fields")
    if wanted:
        keep = {"attributes", "Id", *(name.strip() for name in wanted.split(","))}
        shown = {key: value for key, value in shown.items() if key in keep}
    return JSONResponse(shown)


async def create_one(request: Request) -> JSONResponse:
    body = await object_body(request)
    ctx = context(request)
    with ctx.store.lock:
        spec = spec_for(request)
        check_known(spec, body)
        try:
            rid = create(ctx, spec, body)
        except RecordError as error:
            raise error.as_request_error() from None
    return JSONResponse({"id": rid, "success": True, "errors": []}, status_code=201)


async def one_record(request: Request) -> Response:
    ctx = context(request)
    rid = record_id(request.path_params["rid"])
    body = await object_body(request) if request.method == "PATCH" else {}
    with ctx.store.lock:
        spec = spec_for(request)
        record = ctx.store.get(spec.name, rid)
        if record is None:
            raise not_found()
        if request.method == "GET":
            return _shown(request, spec, record)
        try:
            if request.method == "PATCH":
                check_known(spec, body)
                update(ctx, spec, rid, body)
            else:
                delete(ctx, rid)
        except RecordError as error:
            raise error.as_request_error() from None
    return Response(status_code=204)


def _multiple(request: Request, spec: ObjectSpec, ids: list[str]) -> JSONResponse:
    prefix = simulator(request).config.data_prefix
    return JSONResponse([f"{prefix}/sobjects/{spec.name}/{rid}" for rid in ids], status_code=300)


async def by_external_id(request: Request) -> Response:
    """`/sobjects/<Name>/<Field>/<value>` (GET, PATCH upsert) or `/<Id>/<blob field>` (GET)."""
    ctx = context(request)
    first, second = request.path_params["first"], request.path_params["second"]
    with ctx.store.lock:
        spec = spec_for(request)
        if request.method == "GET" and spec.blob_field == second:
            data = ctx.store.blobs.get(record_id(first))
            if data is None or ctx.store.get(spec.name, record_id(first)) is None:
                raise not_found()
            return Response(data, media_type="application/octet-stream")
        field = external_field(spec, first)
    if request.method == "GET":
        with ctx.store.lock:
            found = ctx.store.matches(spec.name, field, second)
            if len(found) > 1:
                return _multiple(request, spec, found)
            if not found:
                raise not_found()
            return _shown(request, spec, ctx.store.records[spec.name][found[0]])
    body = await object_body(request)
    update_only = request.query_params.get("updateOnly", "").lower() == "true"
    with ctx.store.lock:
        check_known(spec, body)
        try:
            rid, created = upsert(ctx, spec, field, second, body, update_only)
        except MultipleMatches as many:
            return _multiple(request, spec, many.ids)
        except RecordError as error:
            raise error.as_request_error() from None
    answer = {"id": rid, "success": True, "errors": [], "created": created}
    return JSONResponse(answer, status_code=201 if created else 200)


async def limits(request: Request) -> JSONResponse:
    usage = simulator(request).usage
    daily = {"Max": usage.limit, "Remaining": usage.remaining()}
    return JSONResponse({"DailyApiRequests": daily})


SOBJECT_ROUTES = [
    Route("/sobjects", describe_global, methods=["GET"]),
    Route("/sobjects/", describe_global, methods=["GET"]),
    Route("/sobjects/{name}/describe", describe, methods=["GET"]),
    Route("/sobjects/{name}/describe/", describe, methods=["GET"]),
    Route("/sobjects/{name}", basic_info, methods=["GET"]),
    Route("/sobjects/{name}", create_one, methods=["POST"]),
    Route("/sobjects/{name}/", create_one, methods=["POST"]),
    Route("/sobjects/{name}/{rid}", one_record, methods=["GET", "PATCH", "DELETE"]),
    Route("/sobjects/{name}/{first}/{second}", by_external_id, methods=["GET", "PATCH"]),
    Route("/limits", limits, methods=["GET"]),
]
