"""`/jobs/ingest`: create a job, upload CSV, close it, poll it, read the three result files."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinic_sandbox.salesforce.bulk import new_job, results_csv, schedule, upload
from clinic_sandbox.salesforce.errors import SfError, not_found
from clinic_sandbox.salesforce.http import context, object_body, simulator, spec_for


def _info(job: dict) -> dict:
    info = dict(job["info"])
    if info["state"] != "Failed":
        info.pop("errorMessage", None)
    return info


def _job(request: Request) -> dict:
    job = simulator(request).store.jobs.get(request.path_params["job_id"])
    if job is None:
        raise not_found()
    return job


async def create_job(request: Request) -> JSONResponse:
    body = await object_body(request)
    ctx = context(request)
    sim = simulator(request)
    with ctx.store.lock:
        try:
            spec = spec_for(request, str(body.get("object", "")))
        except SfError:
            raise SfError(400, "INVALIDJOB", f"Unknown object: {body.get('object')}") from None
        job = new_job(ctx, spec, body, sim.config.api_version)
        ctx.store.jobs[job["info"]["id"]] = job
        return JSONResponse(_info(job))


async def list_jobs(request: Request) -> JSONResponse:
    store = simulator(request).store
    with store.lock:
        infos = [_info(job) for job in store.jobs.values()]
    return JSONResponse({"done": True, "records": infos, "nextRecordsUrl": None})


async def upload_batch(request: Request) -> Response:
    data = await request.body()
    store = simulator(request).store
    with store.lock:
        upload(_job(request), data)
    return Response(status_code=201)


async def job_info(request: Request) -> Response:
    sim = simulator(request)
    store = sim.store
    if request.method == "PATCH":
        state = (await object_body(request)).get("state")
    with store.lock:
        job = _job(request)
        if request.method == "DELETE":
            del store.jobs[job["info"]["id"]]
            return Response(status_code=204)
        if request.method == "PATCH":
            current = job["info"]["state"]
            if state not in ("UploadComplete", "Aborted") or current != "Open":
                raise SfError(409, "INVALIDJOBSTATE", f"Cannot move a {current} job to {state}")
            job["info"]["state"] = state
            if state == "UploadComplete":
                schedule(job, sim.config.job_delay)
        return JSONResponse(_info(job))


async def results(request: Request) -> Response:
    store = simulator(request).store
    with store.lock:
        kind = request.url.path.rstrip("/").rsplit("/", 1)[1]
        text = results_csv(_job(request), kind)
    return Response(text, media_type="text/csv")


BULK_ROUTES = [
    Route("/jobs/ingest", create_job, methods=["POST"]),
    Route("/jobs/ingest/", create_job, methods=["POST"]),
    Route("/jobs/ingest", list_jobs, methods=["GET"]),
    Route("/jobs/ingest/{job_id}", job_info, methods=["GET", "PATCH", "DELETE"]),
    Route("/jobs/ingest/{job_id}/batches", upload_batch, methods=["PUT"]),
    Route("/jobs/ingest/{job_id}/batches/", upload_batch, methods=["PUT"]),
    *(
        Route(f"/jobs/ingest/{{job_id}}/{kind}{slash}", results, methods=["GET"])
        for kind in ("successfulResults", "failedResults", "unprocessedrecords")
        for slash in ("", "/")
    ),
]
