"""Bulk routes: bulk_upsert and bulk_destroy queue jobs; job_statuses reports them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.freshsales import jobs, operations
from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.fields import is_id
from clinic_sandbox.freshsales.http import json_body, simulator

# A third-party client sends at most 100 records per bulk call; we hold callers to it.
MAX_BULK = 100


def _items(body: Any, key: str) -> list[Any]:
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(400, f"{key} must be a non-empty list")
    if len(items) > MAX_BULK:
        raise ApiError(400, f"{key} can have at most {MAX_BULK} entries, got {len(items)}")
    return items


def bulk_routes(spec: EntitySpec) -> list[Route]:
    """`POST /<entity>/bulk_upsert` and `/bulk_destroy`, both answering 202 with a job id."""

    def upsert_step(store: Any) -> jobs.Step:
        def step(item: Any) -> tuple[str, Any, Any]:
            identifier = item.get("unique_identifier")
            record, created = operations.upsert(store, spec, identifier, _element_record(item))
            return ("created" if created else "updated"), record["id"], identifier

        return step

    def _element_record(item: Any) -> Any:
        # Third-party sources disagree on the element's record key: the singular name or `data`.
        return item.get(spec.singular, item.get("data"))

    async def bulk_upsert(request: Request) -> JSONResponse:
        sim = simulator(request)
        items = _items(await json_body(request), spec.key)
        if not all(isinstance(item, dict) and "unique_identifier" in item for item in items):
            raise ApiError(400, "Every entry needs unique_identifier and the record")
        job = jobs.submit(
            sim.store, spec, "bulk_upsert", items, upsert_step(sim.store), sim.config.job_delay
        )
        return JSONResponse({"job_id": job["id"], "status": "queued"}, status_code=202)

    async def bulk_destroy(request: Request) -> JSONResponse:
        sim = simulator(request)
        ids = _items(await json_body(request), "selected_ids")
        if not all(is_id(item) for item in ids):
            raise ApiError(400, "selected_ids must be record ids")

        def step(record_id: Any) -> tuple[str, Any, Any]:
            operations.delete(sim.store, spec, record_id)
            return "deleted", int(record_id), None

        job = jobs.submit(sim.store, spec, "bulk_destroy", ids, step, sim.config.job_delay)
        message = f"Your {spec.key.replace('_', ' ')} are being deleted."
        return JSONResponse(
            {"job_id": job["id"], "status": "queued", "message": message}, status_code=202
        )

    return [
        Route(f"/{spec.path}/bulk_upsert", bulk_upsert, methods=["POST"]),
        Route(f"/{spec.path}/bulk_destroy", bulk_destroy, methods=["POST"]),
    ]


async def job_status(request: Request) -> JSONResponse:
    """`GET /job_statuses/{id}`."""
    job = jobs.status(simulator(request).store, request.path_params["job_id"])
    return JSONResponse({"job_status": job})


JOB_ROUTE = Route("/job_statuses/{job_id}", job_status, methods=["GET"])
