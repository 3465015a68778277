"""Single-record routes: create, get, update, delete, and upsert by a unique field."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.freshsales import operations
from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.http import deleted, json_body, simulator, wrap, wrapped_body
from clinic_sandbox.freshsales.includes import side_loads


def record_routes(spec: EntitySpec) -> list[Route]:
    """Create/get/put/delete for one entity (documents create through multipart instead)."""

    async def create(request: Request) -> JSONResponse:
        body = await wrapped_body(request, spec)
        return wrap(spec, operations.create(simulator(request).store, spec, body), 201)

    async def read(request: Request) -> JSONResponse:
        store = simulator(request).store
        record_id = request.path_params["record_id"]
        if request.method == "GET":
            record = operations.get(store, spec, record_id)
            include = request.query_params.get("include")
            if include and spec.upsert:
                loaded = side_loads(store, spec, record_id, include)
                return JSONResponse({spec.singular: record, **loaded})
            return wrap(spec, record)
        if request.method == "DELETE":
            operations.delete(store, spec, record_id)
            return deleted()
        body = await wrapped_body(request, spec)
        return wrap(spec, operations.update(store, spec, record_id, body))

    routes = [Route(f"/{spec.path}/{{record_id:int}}", read, methods=["GET", "PUT", "DELETE"])]
    if spec.key != "documents":
        routes.append(Route(f"/{spec.path}", create, methods=["POST"]))
    return routes


def upsert_route(spec: EntitySpec) -> Route:
    """`POST /<entity>/upsert`: 201 when it created, 200 when it updated."""

    async def upsert(request: Request) -> JSONResponse:
        body = await json_body(request)
        if not isinstance(body, dict) or "unique_identifier" not in body:
            raise ApiError(400, "Unique identifier can't be blank")
        if not isinstance(body.get(spec.singular), dict):
            raise ApiError(400, f'Request body must be wrapped as {{"{spec.singular}": {{...}}}}')
        record, created = operations.upsert(
            simulator(request).store, spec, body["unique_identifier"], body[spec.singular]
        )
        return wrap(spec, record, 201 if created else 200)

    return Route(f"/{spec.path}/upsert", upsert, methods=["POST"])
