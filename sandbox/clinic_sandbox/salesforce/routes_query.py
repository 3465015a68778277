"""`GET /query?q=` and `/tooling/query?q=`: the SOQL subset, paged through query locators."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.salesforce.errors import SfError, not_found
from clinic_sandbox.salesforce.http import simulator
from clinic_sandbox.salesforce.ids import normalize
from clinic_sandbox.salesforce.operations import render
from clinic_sandbox.salesforce.schema import ObjectSpec
from clinic_sandbox.salesforce.soql import Query, parse
from clinic_sandbox.salesforce.store import Store

TOOLING_FIELDS = ("Id", "DeveloperName", "TableEnumOrId", "FullName")
TOOLING_OBJECT_FIELDS = ("Id", "DeveloperName")
_BATCH = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


def _canonical(query: Query, names: dict[str, str], obj: str) -> None:
    """Field names as the object spells them (SOQL is case-insensitive), or INVALID_FIELD."""

    def fix(name: str) -> str:
        if name.lower() not in names:
            raise SfError(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj}'.")
        return names[name.lower()]

    query.fields = [fix(name) for name in query.fields]
    for condition in query.where:
        condition.field = fix(condition.field)
    if query.order:
        query.order = (fix(query.order[0]), query.order[1])


def _id_literal(value: Any) -> Any:
    return (normalize(value) or value) if isinstance(value, str) else value


def _candidates(store: Store, spec: ObjectSpec, query: Query) -> list[dict[str, Any]]:
    """Rows that can match, in Id order: an index lookup when a condition allows one.

    A read-back asks `WHERE Cliniko_Id__c IN (200 values)` hundreds of times; scanning every
    record each time made reconciling 100k patients quadratic.
    """
    held = store.records[spec.name]
    for condition in query.where:
        if condition.op not in ("=", "in"):
            continue
        if condition.field == "Id":
            ids = {value for value in condition.values if value in held}
        elif spec.fields[condition.field].indexed:
            index = store.index[(spec.name, condition.field)]
            ids = set().union(*(index.get(value, ()) for value in condition.values))
        else:
            continue
        return [held[rid] for rid in sorted(ids)]
    return [held[rid] for rid in sorted(held)]


def _data_rows(store: Store, query: Query, version: str) -> list[dict[str, Any]]:
    spec = next((s for k, s in store.objects.items() if k.lower() == query.obj.lower()), None)
    if spec is None:
        raise SfError(400, "INVALID_TYPE", f"sObject type '{query.obj}' is not supported.")
    _canonical(query, {name.lower(): name for name in spec.fields}, spec.name)
    for condition in query.where:
        if spec.fields[condition.field].type in ("id", "reference"):
            # SOQL takes 15- or 18-character ids; records hold the 18-character form.
            condition.values = [_id_literal(value) for value in condition.values]
    if spec.name == "ContentDocumentLink" and not any(
        c.field in ("ContentDocumentId", "LinkedEntityId") and c.op in ("=", "in")
        for c in query.where
    ):
        raise SfError(
            400,
            "MALFORMED_QUERY",
            "Implementation restriction: ContentDocumentLink requires a filter by a single Id on "
            "ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's "
            "using the IN operator.",
        )
    matched = query.run(_candidates(store, spec, query))
    if query.count:
        return matched
    shown = []
    for record in matched:
        full = render(spec, record, version)
        shown.append({"attributes": full["attributes"], **{f: full[f] for f in query.fields}})
    return shown


def _tooling_rows(store: Store, query: Query, version: str) -> list[dict[str, Any]]:
    tables = {
        "customfield": ("CustomField", TOOLING_FIELDS, store.tooling_fields),
        "customobject": ("CustomObject", TOOLING_OBJECT_FIELDS, store.tooling_objects),
    }
    if query.obj.lower() not in tables:
        raise SfError(400, "INVALID_TYPE", f"sObject type '{query.obj}' is not supported.")
    name, columns, rows = tables[query.obj.lower()]
    _canonical(query, {column.lower(): column for column in columns}, name)
    matched = query.run(rows)
    url = f"/services/data/v{version}/tooling/sobjects/{name}"
    return [
        {
            "attributes": {"type": name, "url": f"{url}/{row['Id']}"},
            **{f: row[f] for f in query.fields},
        }
        for row in matched
    ]


def _page_size(request: Request, default: int) -> int:
    match = _BATCH.search(request.headers.get("sforce-query-options", ""))
    return min(max(int(match.group(1)), 200), 2000) if match else default


def _page(request: Request, key: str, rows: list, offset: int, size: int) -> dict[str, Any]:
    sim = simulator(request)
    end = offset + size
    body: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows)}
    if end < len(rows):
        prefix = sim.config.data_prefix + ("/tooling" if "/tooling/" in request.url.path else "")
        body["nextRecordsUrl"] = f"{prefix}/query/{key}-{end}"
    body["records"] = rows[offset:end]
    return body


async def _run(request: Request, tooling: bool) -> JSONResponse:
    sim = simulator(request)
    text = request.query_params.get("q")
    if not text:
        raise SfError(400, "MALFORMED_QUERY", "q is required")
    query = parse(text)
    version = sim.config.api_version
    store = sim.store
    with store.lock:
        rows = (_tooling_rows if tooling else _data_rows)(store, query, version)
        if query.count:
            return JSONResponse({"totalSize": len(rows), "done": True, "records": []})
        size = _page_size(request, sim.config.query_page_size)
        store.counters["01g"] += 1
        key = f"01gSIM{store.counters['01g']:09d}"
        if len(rows) > size:
            store.locators[key] = (rows, size)
        return JSONResponse(_page(request, key, rows, 0, size))


async def query(request: Request) -> JSONResponse:
    return await _run(request, tooling=False)


async def tooling_query(request: Request) -> JSONResponse:
    return await _run(request, tooling=True)


async def more(request: Request) -> JSONResponse:
    """`GET /query/<locator>-<offset>`: the next page of an earlier query."""
    key, _, offset = request.path_params["locator"].rpartition("-")
    store = simulator(request).store
    with store.lock:
        held = store.locators.get(key)
    if held is None or not offset.isdigit():
        raise not_found()
    rows, size = held
    return JSONResponse(_page(request, key, rows, int(offset), size))


QUERY_ROUTES = [
    Route("/query", query, methods=["GET"]),
    Route("/query/", query, methods=["GET"]),
    Route("/query/{locator}", more, methods=["GET"]),
    Route("/tooling/query", tooling_query, methods=["GET"]),
    Route("/tooling/query/", tooling_query, methods=["GET"]),
    Route("/tooling/query/{locator}", more, methods=["GET"]),
]
