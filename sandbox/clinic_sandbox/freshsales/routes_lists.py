"""List routes: filters and paged views, and the ?filter= lists of tasks and appointments."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.fields import parse_datetime
from clinic_sandbox.freshsales.http import simulator
from clinic_sandbox.freshsales.store import Record

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
SORTABLE = ("id", "created_at", "updated_at")


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"{name} must be a positive integer")
    return int(raw)


def _page(request: Request, spec: EntitySpec, keep: Callable[[Record], bool]) -> JSONResponse:
    store = simulator(request).store
    page = _int_param(request, "page", 1)
    per_page = min(_int_param(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    sort = request.query_params.get("sort", "id")
    if sort not in SORTABLE:
        raise ApiError(400, f"sort must be one of {', '.join(SORTABLE)}")
    descending = request.query_params.get("sort_type", "asc") == "desc"
    with store.lock:
        rows = [record for record in store.records[spec.key].values() if keep(record)]
        rows.sort(key=lambda record: (record.get(sort) or "", record["id"]), reverse=descending)
        chunk = rows[(page - 1) * per_page : page * per_page]
        shown = [store.render(spec, record) for record in chunk]
    meta = {"total_pages": math.ceil(len(rows) / per_page), "total": len(rows)}
    return JSONResponse({spec.key: shown, "meta": meta})


def view_routes(spec: EntitySpec) -> list[Route]:
    """`GET /<entity>/filters` and `GET /<entity>/view/{view_id}`."""
    plural_title = spec.key.replace("_", " ").title()

    async def filters(request: Request) -> JSONResponse:
        view = {
            "id": spec.view_id,
            "name": f"All {plural_title}",
            "model_class_name": spec.model,
            "is_default": True,
            "is_public": True,
        }
        return JSONResponse({"filters": [view]})

    async def view(request: Request) -> JSONResponse:
        if request.path_params["view_id"] != spec.view_id:
            raise ApiError(404, "View not found")
        return _page(request, spec, lambda record: True)

    return [
        Route(f"/{spec.path}/filters", filters, methods=["GET"]),
        Route(f"/{spec.path}/view/{{view_id:int}}", view, methods=["GET"]),
    ]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _before_now(value: Any) -> bool:
    moment = parse_datetime(value)
    if moment is None:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment < _now()


_FILTERS: dict[str, dict[str, Callable[[Record], bool]]] = {
    "tasks": {
        "open": lambda task: task.get("status") != 1,
        "completed": lambda task: task.get("status") == 1,
        "overdue": lambda task: task.get("status") != 1 and _before_now(task.get("due_date")),
        "all": lambda task: True,
    },
    "appointments": {
        "upcoming": lambda appt: not _before_now(appt.get("from_date")),
        "past": lambda appt: _before_now(appt.get("end_date")),
        "all": lambda appt: True,
    },
}


def filtered_list_route(spec: EntitySpec) -> Route:
    """`GET /tasks?filter=open`, `GET /appointments?filter=upcoming` (first filter = default)."""
    choices = _FILTERS[spec.list_filter or spec.key]

    async def listing(request: Request) -> JSONResponse:
        name = request.query_params.get("filter", next(iter(choices)))
        if name not in choices:
            raise ApiError(400, f"filter must be one of {', '.join(choices)}")
        return _page(request, spec, choices[name])

    return Route(f"/{spec.path}", listing, methods=["GET"])
