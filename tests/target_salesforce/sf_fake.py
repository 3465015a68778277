"""An in-memory Salesforce REST API for httpx.MockTransport (crm-apis.md §2 shapes)."""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

INSTANCE = "https://acme.my.salesforce.com"
API = "/services/data/v62.0/"
PREFIXES = {"Account": "001", "Contact": "003", "User": "005", "ContentNote": "069"}
EXT = "Cliniko_Id__c"
REQUIRED = {"Account": "Name", "Contact": "LastName"}


@dataclass
class FakeSalesforce:
    """Records per sObject, a request log, an allocation, and hooks to inject faults."""

    users: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"Id": "005000000000001AAA", "Name": "Admin", "Email": "admin@clinic.test"},
            {"Id": "005000000000002AAA", "Name": "Ana", "Email": "Ana@Clinic.test"},
        ]
    )
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    tokens_issued: list[dict[str, str]] = field(default_factory=list)
    api_used: int = 0
    api_limit: int = 100000
    live_tokens: set[str] = field(default_factory=set)
    before: list[Callable[[httpx.Request], httpx.Response | None]] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    fields_created: list[dict[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def transport(self) -> httpx.MockTransport:
        """A MockTransport answering like Salesforce."""
        return httpx.MockTransport(self.handle)

    def table(self, sobject: str) -> dict[str, dict[str, Any]]:
        """The records of one sObject by Id."""
        return self.records.setdefault(sobject, {})

    def by_ext(self, sobject: str, value: str) -> dict[str, Any] | None:
        """The record whose Cliniko_Id__c is `value`."""
        return next((r for r in self.table(sobject).values() if r.get(EXT) == value), None)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        if request.url.path == "/services/oauth2/token":
            return self._token(request)
        for hook in self.before:
            answer = hook(request)
            if answer is not None:
                return answer
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.live_tokens:
            return _json(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired"}])
        self.api_used += 1
        answer = self._route(request)
        answer.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.api_limit}"
        return answer

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.tokens_issued.append(form)
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == "bad":
            return _json(400, {"error": "invalid_grant", "error_description": "expired"})
        token = f"session-{len(self.tokens_issued)}"
        self.live_tokens.add(token)
        return _json(200, {"access_token": token, "instance_url": INSTANCE})

    def expire_tokens(self) -> None:
        """Every issued session becomes invalid (401 INVALID_SESSION_ID)."""
        self.live_tokens.clear()

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(API).rstrip("/")
        method = request.method
        parts = path.split("/")
        if path == "query":
            return self._query(request.url.params["q"])
        if parts[:2] == ["composite", "sobjects"]:
            if method == "DELETE":
                return self._delete_many(request.url.params["ids"].split(","))
            if method == "POST":
                return self._create_many(json.loads(request.content))
            return self._upsert_many(parts[2], parts[3], json.loads(request.content))
        if parts[:2] == ["jobs", "ingest"]:
            return self._bulk(request, parts[2:])
        if parts[:3] == ["tooling", "sobjects", "CustomField"]:
            self.fields_created.append(json.loads(request.content))
            return _json(201, {"id": f"00N{next(self._ids):015d}", "success": True})
        if parts[0] == "sobjects":
            return self._sobject(request, parts[1:])
        return _json(404, [{"errorCode": "NOT_FOUND", "message": "no route"}])

    def _new_id(self, sobject: str) -> str:
        return f"{PREFIXES.get(sobject, 'a0X')}{next(self._ids):015d}"

    def _resolve(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """Relationship by external id (`"Account": {"Cliniko_Id__c": v}`) → the lookup's Id."""
        for key in [k for k, v in values.items() if isinstance(v, dict)]:
            wanted = values.pop(key)[EXT]
            found = next(
                (r for t in self.records.values() for r in t.values() if r.get(EXT) == wanted), None
            )
            if found is None:
                return None
            field_name = key[:-3] + "__c" if key.endswith("__r") else key + "Id"
            values[field_name] = found["Id"]
        return values

    def _upsert_one(self, sobject: str, ext: str, record: dict[str, Any]) -> dict[str, Any]:
        values = self._resolve({k: v for k, v in record.items() if k != "attributes"})
        if values is None:
            return _failure("INVALID_FIELD", "Foreign key external ID not found")
        if not values.get(ext):
            return _failure("MISSING_ARGUMENT", f"{ext} not specified")
        existing = self.by_ext(sobject, values[ext])
        required = REQUIRED.get(sobject)
        if required and (
            values.get(required, "x") == "" or (not existing and required not in values)
        ):
            return _failure("REQUIRED_FIELD_MISSING", "Required fields are missing", [required])
        if existing:
            existing.update(values)
            return {"id": existing["Id"], "success": True, "created": False, "errors": []}
        new_id = self._new_id(sobject)
        self.table(sobject)[new_id] = {"Id": new_id, **values}
        return {"id": new_id, "success": True, "created": True, "errors": []}

    def _upsert_many(self, sobject: str, ext: str, body: dict[str, Any]) -> httpx.Response:
        assert body["allOrNone"] is False and len(body["records"]) <= 200
        return _json(200, [self._upsert_one(sobject, ext, r) for r in body["records"]])

    def _create_many(self, body: dict[str, Any]) -> httpx.Response:
        assert body["allOrNone"] is False and len(body["records"]) <= 200
        return _json(200, [self._create_one(r) for r in body["records"]])

    def _create_one(self, record: dict[str, Any]) -> dict[str, Any]:
        sobject = record["attributes"]["type"]
        values = {k: v for k, v in record.items() if k != "attributes"}
        if sobject == "ContentDocumentLink":
            self.links.append(values)
        elif sobject == "ContentNote" and not values.get("Title"):
            return _failure("REQUIRED_FIELD_MISSING", "Required fields are missing", ["Title"])
        new_id = self._new_id(sobject)
        if sobject != "ContentDocumentLink":
            self.table(sobject)[new_id] = {"Id": new_id, **values}
        return {"id": new_id, "success": True, "errors": []}

    def _delete_many(self, ids: list[str]) -> httpx.Response:
        results = []
        for crm_id in ids:
            table = next((t for t in self.records.values() if crm_id in t), None)
            if table is None:
                results.append({"id": crm_id, **_failure("ENTITY_IS_DELETED", "deleted")})
            else:
                del table[crm_id]
                results.append({"id": crm_id, "success": True, "errors": []})
        return _json(200, results)

    def _sobject(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        sobject, method = parts[0], request.method
        if len(parts) == 2 and parts[1] == "describe":
            if sobject.endswith("__c") and sobject not in self.records:
                return _json(404, [{"errorCode": "NOT_FOUND", "message": "no such object"}])
            return _json(200, {"fields": [{"name": "Id", "type": "id"}]})
        if len(parts) == 1 and method == "POST":
            if sobject == "ContentVersion":
                return self._upload(request)
            values = json.loads(request.content)
            if sobject == "ContentDocumentLink":
                self.links.append(values)
                return _json(201, {"id": self._new_id("ContentDocumentLink"), "success": True})
            new_id = self._new_id(sobject)
            self.table(sobject)[new_id] = {"Id": new_id, **values}
            return _json(201, {"id": new_id, "success": True, "errors": []})
        record = self.table(sobject).get(parts[1])
        if record is None:
            return _json(404, [{"errorCode": "NOT_FOUND", "message": "not found"}])
        if method == "GET" and parts[2:] == ["Content"]:
            return httpx.Response(200, content=base64.b64decode(record["Content"]))
        if method == "GET":
            names = request.url.params.get("fields", "").split(",")
            return _json(200, {n: record.get(n) for n in names})
        if method == "PATCH":
            record.update(self._resolve(json.loads(request.content)) or {})
            return httpx.Response(204)
        if method == "DELETE":
            del self.table(sobject)[parts[1]]
            return httpx.Response(204)
        return _json(405, [{"errorCode": "METHOD_NOT_ALLOWED", "message": method}])

    def _upload(self, request: httpx.Request) -> httpx.Response:
        values = json.loads(request.content)
        values["_bytes"] = base64.b64decode(values.pop("VersionData"))
        new_id = self._new_id("ContentVersion")
        self.table("ContentVersion")[new_id] = {"Id": new_id, **values}
        return _json(201, {"id": new_id, "success": True, "errors": []})

    def _query(self, soql: str) -> httpx.Response:
        if soql.startswith("SELECT Id, Name, Email FROM User"):
            return _page(self.users)
        if match := re.match(r"SELECT COUNT\(\) FROM (\w+) WHERE Cliniko_Id__c != null$", soql):
            rows = [r for r in self.table(match[1]).values() if r.get(EXT)]
            return _json(200, {"totalSize": len(rows), "done": True, "records": []})
        if match := re.match(r"SELECT (.+) FROM (\w+) WHERE Cliniko_Id__c (=|IN) (.+)$", soql):
            values = re.findall(r"'((?:[^'\\]|\\.)*)'", match[4])
            columns = [c.strip() for c in match[1].split(",")]
            rows = [r for r in self.table(match[2]).values() if r.get(EXT) in values]
            return _page([{c: r.get(c) for c in columns} for r in rows])
        if match := re.match(
            r"SELECT LinkedEntityId FROM ContentDocumentLink WHERE "
            r"ContentDocumentId = '(\w+)'$",
            soql,
        ):
            return _page([lk for lk in self.links if lk["ContentDocumentId"] == match[1]])
        if match := re.match(r"SELECT Id FROM ContentNote WHERE Title = '(.*)'$", soql):
            notes = self.table("ContentNote").values()
            return _page([{"Id": n["Id"]} for n in notes if n.get("Title") == match[1]])
        return _json(400, [{"errorCode": "MALFORMED_QUERY", "message": "unsupported"}])

    def _bulk(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        if not parts:
            spec = json.loads(request.content)
            job_id = f"750{next(self._ids):015d}"
            self.jobs[job_id] = {"spec": spec, "state": "Open", "csv": "", "results": {}}
            return _json(200, {"id": job_id, "state": "Open", **spec})
        job = self.jobs[parts[0]]
        if parts[1:] == ["batches"]:
            job["csv"] = request.content.decode()
            return httpx.Response(201)
        if not parts[1:] and request.method == "PATCH":
            self._run_job(job)
            return _json(200, {"id": parts[0], "state": "UploadComplete"})
        if not parts[1:]:
            return _json(200, {"id": parts[0], "state": job["state"]})
        return httpx.Response(200, text=job["results"].get(parts[1], ""))

    def _run_job(self, job: dict[str, Any]) -> None:
        sobject, ext = job["spec"]["object"], job["spec"]["externalIdFieldName"]
        rows = list(csv.DictReader(io.StringIO(job["csv"])))
        ok, failed = [], []
        for row in rows:
            values: dict[str, Any] = {}
            for key, cell in row.items():
                if cell == "":
                    continue  # an empty cell leaves the field unchanged
                if "." in key:  # `Account.Cliniko_Id__c`: a parent by external id
                    values[key.split(".")[0]] = {EXT: cell}
                else:
                    values[key] = None if cell == "#N/A" else cell
            result = self._upsert_one(sobject, ext, values)
            if result["success"]:
                ok.append(
                    {"sf__Id": result["id"], "sf__Created": str(result["created"]).lower(), **row}
                )
            else:
                failed.append({"sf__Id": "", "sf__Error": result["errors"][0]["message"], **row})
        job["results"] = {
            "successfulResults": _csv(ok),
            "failedResults": _csv(failed),
            "unprocessedrecords": "",
        }
        job["state"] = "JobComplete"


def _failure(code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {
        "success": False,
        "errors": [{"statusCode": code, "message": message, "fields": fields or []}],
    }


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _page(rows: list[dict[str, Any]]) -> httpx.Response:
    return _json(200, {"totalSize": len(rows), "done": True, "records": rows})


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)
