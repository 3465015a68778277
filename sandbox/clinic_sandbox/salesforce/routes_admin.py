"""Admin routes for tests and reconciliation (no auth): records, stored files, stats, reset."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinic_sandbox.salesforce.errors import not_found
from clinic_sandbox.salesforce.http import record_id, simulator, spec_for
from clinic_sandbox.salesforce.operations import render


async def records(request: Request) -> JSONResponse:
    """`GET /_admin/records/<Object>[?include_deleted=1]`, in creation order."""
    sim = simulator(request)
    store = sim.store
    with_deleted = request.query_params.get("include_deleted", "").lower() in ("1", "true", "yes")
    with store.lock:
        spec = spec_for(request)
        held = list(store.records[spec.name].values())
        if with_deleted:
            held += list(store.deleted[spec.name].values())
        shown = [render(spec, record, sim.config.api_version) for record in held]
    shown.sort(key=lambda record: record["Id"])
    return JSONResponse({"object": spec.name, "count": len(shown), "records": shown})


async def file_content(request: Request) -> Response:
    store = simulator(request).store
    with store.lock:
        data = store.blobs.get(record_id(request.path_params["rid"]))
    if data is None:
        raise not_found()
    return Response(data, media_type="application/octet-stream")


async def stats(request: Request) -> JSONResponse:
    sim = simulator(request)
    body = sim.stats.snapshot()
    body.pop("rate_limited", None)  # Salesforce refuses with 403, counted below
    body["limit_exceeded"] = sim.usage.refused
    body["api_usage"] = sim.usage.used
    body["tokens_issued"] = sim.sessions.issued
    with sim.store.lock:
        body["records"] = {name: len(held) for name, held in sim.store.records.items() if held}
        body["jobs"] = dict(Counter(job["info"]["state"] for job in sim.store.jobs.values()))
    return JSONResponse(body)


async def reset(request: Request) -> JSONResponse:
    simulator(request).reset()
    return JSONResponse({"reset": True})


async def expire_tokens(request: Request) -> JSONResponse:
    simulator(request).sessions.expire_all()
    return JSONResponse({"expired": True})


ADMIN_ROUTES = [
    Route("/records/{name}", records, methods=["GET"]),
    Route("/files/{rid}", file_content, methods=["GET"]),
    Route("/stats", stats, methods=["GET"]),
    Route("/reset", reset, methods=["POST"]),
    Route("/expire-tokens", expire_tokens, methods=["POST"]),
]
