"""An in-memory Freshsales API for httpx.MockTransport, shaped as docs/freshsales-simulator.md."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

WRAPPERS = {
    "contacts": "contact",
    "sales_accounts": "sales_account",
    "deals": "deal",
    "leads": "lead",
    "tasks": "task",
    "appointments": "appointment",
    "notes": "note",
    "documents": "document",
    "cpq/products": "product",
}
TYPES = {"Contact": "contacts", "Lead": "leads", "SalesAccount": "sales_accounts"}
UPSERTABLE = {"contacts", "sales_accounts", "deals", "leads"}


@dataclass
class FakeFreshsales:
    """Records per entity, a request log, and hooks to inject faults."""

    api_key: str = "test-key"
    users: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"id": 70000000001, "display_name": "Admin", "email": "admin@clinic.test"},
            {"id": 70000000002, "display_name": "Ana", "email": "Ana@Clinic.test"},
        ]
    )
    records: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {e: {} for e in WRAPPERS}
    )
    requests: list[tuple[str, str]] = field(default_factory=list)
    # Each hook sees the request; a Response it returns is answered instead (None = go on).
    before: list[Callable[[httpx.Request], httpx.Response | None]] = field(default_factory=list)
    # Each hook sees the request after it was applied; raising simulates a lost answer.
    after: list[Callable[[httpx.Request, httpx.Response], None]] = field(default_factory=list)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(16000000001))

    def transport(self) -> httpx.MockTransport:
        """The MockTransport to give httpx."""
        return httpx.MockTransport(self.handle)

    def calls(self, method: str, prefix: str = "") -> int:
        """How many requests with this method (and path prefix) arrived."""
        return sum(1 for m, p in self.requests if m == method and p.startswith(prefix))

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request."""
        path = request.url.path.split("/crm/sales/api/", 1)[1]
        self.requests.append((request.method, path))
        for hook in self.before:
            if (answer := hook(request)) is not None:
                return answer
        if request.headers.get("Authorization") != f"Token token={self.api_key}":
            return httpx.Response(401, json={"login": "failed", "message": "Incorrect API key"})
        answer = self._route(request, path)
        for hook in self.after:
            hook(request, answer)
        return answer

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        method = request.method
        if path == "selector/owners":
            return httpx.Response(200, json={"users": self.users})
        if m := re.fullmatch(r"job_statuses/(\d+)", path):
            return httpx.Response(200, json={"job_status": self.jobs[int(m[1])]})
        if m := re.fullmatch(r"(.+)/filters", path):
            return httpx.Response(200, json={"filters": [{"id": 1001, "is_default": True}]})
        if m := re.fullmatch(r"(.+)/view/\d+", path):
            return self._list(m[1], request)
        if m := re.fullmatch(r"(.+)/upsert", path):
            return self._upsert(m[1], json.loads(request.content))
        if m := re.fullmatch(r"(.+)/bulk_upsert", path):
            return self._bulk(m[1], json.loads(request.content))
        if m := re.fullmatch(r"(.+)/(\d+)", path):
            entity, rid = m[1], int(m[2])
            if rid not in self.records[entity]:
                return _error(404, "not found")
            if method == "PUT":
                body = json.loads(request.content)[WRAPPERS[entity]]
                return self._store(entity, body, rid, 200)
            answer = {WRAPPERS[entity]: self.records[entity][rid]}
            if include := request.url.params.get("include"):
                wanted = TYPES_BY_ENTITY.get(entity)
                answer[include] = [
                    r
                    for r in self.records[include].values()
                    if r.get("targetable_id") == rid and r.get("targetable_type") == wanted
                ]
            return httpx.Response(200, json=answer)
        if method == "GET" and path in self.records:
            return self._list(path, request)
        if method == "POST" and path == "documents":
            return self._upload(request)
        if method == "POST" and path in self.records:
            return self._store(path, json.loads(request.content)[WRAPPERS[path]], None, 201)
        return _error(404, f"no route {method} {path}")

    def _list(self, entity: str, request: httpx.Request) -> httpx.Response:
        rows = list(self.records[entity].values())
        per_page = int(request.url.params.get("per_page", 25))
        page = int(request.url.params.get("page", 1))
        chunk = rows[(page - 1) * per_page : page * per_page]
        meta = {"total": len(rows), "total_pages": -(-len(rows) // per_page)}
        return httpx.Response(200, json={entity: chunk, "meta": meta})

    def _find(self, entity: str, key: str, value: Any) -> int | None:
        for rid, row in self.records[entity].items():
            if (row.get("custom_field") or {}).get(key) == value:
                return rid
        return None

    def _store(
        self, entity: str, body: dict[str, Any], rid: int | None, status: int
    ) -> httpx.Response:
        for ref, target in (("sales_account_id", "sales_accounts"),):
            if body.get(ref) is not None and int(body[ref]) not in self.records[target]:
                return _error(400, "Sales account does not exist")
        if body.get("targetable_id") is not None:
            target = TYPES[body["targetable_type"]]
            if int(body["targetable_id"]) not in self.records[target]:
                return _error(400, "Targetable does not exist")
        person = entity in ("contacts", "leads")
        if person and rid is None and not (body.get("last_name") or body.get("email")):
            return _error(400, "Last name can't be blank")
        cf = (body.get("custom_field") or {}).get("cf_cliniko_id")
        if cf is not None and self._find(entity, "cf_cliniko_id", cf) not in (None, rid):
            return _error(400, "Cf cliniko id already exists")
        if rid is None:
            rid = next(self._ids)
            self.records[entity][rid] = {"id": rid}
        row = self.records[entity][rid]
        custom = {**(row.get("custom_field") or {}), **(body.get("custom_field") or {})}
        row.update(body)
        if custom:
            row["custom_field"] = custom
        return httpx.Response(status, json={WRAPPERS[entity]: row})

    def _upsert(self, entity: str, body: dict[str, Any]) -> httpx.Response:
        ((key, value),) = body["unique_identifier"].items()
        record = dict(body.get(WRAPPERS[entity]) or body.get("data") or {})
        record.setdefault("custom_field", {}).setdefault(key, value)
        rid = self._find(entity, key, value)
        return self._store(entity, record, rid, 201 if rid is None else 200)

    def _bulk(self, entity: str, body: dict[str, Any]) -> httpx.Response:
        results = []
        for index, element in enumerate(body[entity]):
            answer = self._upsert(entity, element)
            data = answer.json()
            if answer.status_code < 300:
                status = "created" if answer.status_code == 201 else "updated"
                results.append(
                    {"index": index, "status": status, "id": data[WRAPPERS[entity]]["id"]}
                )
            else:
                results.append({"index": index, "status": "failed", "id": None, **data})
        job_id = 9000000000 + len(self.jobs) + 1
        self.jobs[job_id] = {"id": job_id, "status": "completed", "results": results}
        return httpx.Response(202, json={"job_id": job_id, "status": "queued"})

    def _upload(self, request: httpx.Request) -> httpx.Response:
        text = request.content.decode("latin-1")
        fields = dict(re.findall(r'name="(\w+)"\r\n\r\n([^\r]*)\r\n', text))
        body = {
            "name": fields.get("file_name"),
            "targetable_id": int(fields["targetable_id"]),
            "targetable_type": fields["targetable_type"],
            "content_file_size": len(request.content),
        }
        return self._store("documents", body, None, 201)


TYPES_BY_ENTITY = {v: k for k, v in TYPES.items()}


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"errors": {"code": status, "message": [message]}})
