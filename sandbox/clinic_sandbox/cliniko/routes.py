"""The read routes tap-cliniko uses: list, get one, settings and the key's own user."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from clinic_sandbox.catalog import DT, NO_GET_ROUTE, STREAMS, StreamSpec
from clinic_sandbox.cliniko.query import (
    QueryError,
    parse_filters,
    parse_paging,
    parse_sort,
)
from clinic_sandbox.cliniko.state import SandboxState
from clinic_sandbox.store import BASE

NOT_FOUND = {"status": "404", "error": "Not Found"}


def json_text(text: str, base: str, status: int = 200) -> Response:
    return Response(text.replace(BASE, base), status, media_type="application/json")


def error(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status, media_type="application/json")


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _base(request: Request) -> str:
    return _state(request).base_url(request.scope, request.headers)


def _filters(request: Request) -> list[str]:
    # `q[]` is the documented form; the legacy single `q` is read the same way.
    return request.query_params.getlist("q[]") + request.query_params.getlist("q")


async def list_stream(request: Request) -> Response:
    stream = request.path_params["stream"]
    spec = STREAMS.get(stream)
    if spec is None:
        return error(404, NOT_FOUND)
    return _list(request, spec, active=True if stream == "practitioners" else None)


async def list_inactive_practitioners(request: Request) -> Response:
    return _list(request, STREAMS["practitioners"], active=False)


def _list(request: Request, spec: StreamSpec, active: bool | None) -> Response:
    params = request.query_params
    try:
        filters = parse_filters(_filters(request), spec.filters)
        order = parse_sort(spec, params.get("sort"), params.get("order"))
        page, per_page = parse_paging(params.get("page"), params.get("per_page"))
    except QueryError as exc:
        return error(400, {"message": exc.message})
    where, values = filters.where(spec)
    paged_where, _ = filters.where(spec, paging=True)
    if active is not None:
        where += f" AND active = {int(active)}"
        paged_where += f" AND active = {int(active)}"
    state = _state(request)
    db = state.store.db
    table = f'"{spec.name}"'
    key = (table, where, *values)
    total = state.totals.get(key)
    if total is None:
        total = db.execute(f"SELECT count(*) FROM {table} WHERE {where}", values).fetchone()[0]  # noqa: S608
        state.totals[key] = total
    rows = db.execute(
        f"SELECT body FROM {table} WHERE {paged_where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
        [*values, per_page, (page - 1) * per_page],
    ).fetchall()
    base = _base(request)
    path = request.url.path.removeprefix("/v1")
    links = {"self": _page_url(request, base + path, page)}
    if page * per_page < total:
        links["next"] = _page_url(request, base + path, page + 1)
    if page > 1:
        links["previous"] = _page_url(request, base + path, page - 1)
    body = ",".join(r[0] for r in rows)
    text = f'{{"{spec.name}":[{body}],"total_entries":{total},"links":{json.dumps(links)}}}'
    return json_text(text, base)


def _page_url(request: Request, url: str, page: int) -> str:
    """The same query (per_page, sort, q[] ...) at another page, as an absolute URL."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return f"{url}?{urlencode([*kept, ('page', str(page))])}"


async def get_record(request: Request) -> Response:
    stream = request.path_params["stream"]
    spec = STREAMS.get(stream)
    raw_id = request.path_params["record_id"]
    if spec is None or stream in NO_GET_ROUTE or not raw_id.isdigit():
        return error(404, NOT_FOUND)
    # A single-record GET filters only on the timestamps that hide rows (the `*` wildcard).
    try:
        filters = parse_filters(_filters(request), {f: DT for f in spec.hidden})
    except QueryError as exc:
        return error(400, {"message": exc.message})
    where, values = filters.where(spec)
    row = (
        _state(request)
        .store.db.execute(
            f'SELECT body FROM "{spec.name}" WHERE id = ? AND {where}',  # noqa: S608
            [int(raw_id), *values],
        )
        .fetchone()
    )
    if row is None:
        return error(404, NOT_FOUND)
    return json_text(row[0], _base(request))


async def settings(request: Request) -> Response:
    return _singleton(request, "settings")


async def current_user(request: Request) -> Response:
    return _singleton(request, "user")


def _singleton(request: Request, name: str) -> Response:
    body = _state(request).store.singleton(name)
    if body is None:
        return error(404, NOT_FOUND)
    return json_text(body, _base(request))
