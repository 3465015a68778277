"""Admin routes for tests and reconciliation: every record held, request stats, reset."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinic_sandbox.freshsales.entities import BY_KEY, DOCUMENTS
from clinic_sandbox.freshsales.errors import ApiError, not_found
from clinic_sandbox.freshsales.http import simulator


async def records(request: Request) -> JSONResponse:
    """`GET /_admin/records/<entity>[?include_deleted=1]`."""
    spec = BY_KEY.get(request.path_params["entity"])
    if spec is None:
        raise ApiError(404, f"Unknown entity {request.path_params['entity']}")
    flag = request.query_params.get("include_deleted", "").lower()
    with_deleted = flag in ("1", "true", "yes")
    store = simulator(request).store
    with store.lock:
        shown = [store.render(spec, record) for record in store.records[spec.key].values()]
        if with_deleted:
            gone = store.deleted[spec.key].values()
            shown += [{**store.render(spec, record), "_deleted": True} for record in gone]
    shown.sort(key=lambda record: record["id"])
    return JSONResponse({"entity": spec.key, "count": len(shown), "records": shown})


async def document_content(request: Request) -> Response:
    """`GET /_admin/documents/{id}/content`: the uploaded bytes."""
    store = simulator(request).store
    with store.lock:
        data = store.contents.get(request.path_params["record_id"])
    if data is None:
        raise not_found(DOCUMENTS.model)
    return Response(data, media_type="application/octet-stream")


async def stats(request: Request) -> JSONResponse:
    """`GET /_admin/stats`: request counters plus what the store holds."""
    sim = simulator(request)
    body = sim.stats.snapshot()
    with sim.store.lock:
        body["ignored_attributes"] = dict(sim.store.ignored)
        body["records"] = {key: len(held) for key, held in sim.store.records.items()}
        jobs = Counter(job["status"] for job in sim.store.jobs.values())
    body["jobs"] = {"queued": jobs["queued"], "completed": jobs["completed"]}
    return JSONResponse(body)


async def reset(request: Request) -> JSONResponse:
    """`POST /_admin/reset`: back to the start configuration."""
    simulator(request).reset()
    return JSONResponse({"reset": True})


ADMIN_ROUTES = [
    Route("/records/{entity}", records, methods=["GET"]),
    Route("/documents/{record_id:int}/content", document_content, methods=["GET"]),
    Route("/stats", stats, methods=["GET"]),
    Route("/reset", reset, methods=["POST"]),
]
