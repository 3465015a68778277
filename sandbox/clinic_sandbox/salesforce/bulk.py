"""Bulk API 2.0 ingest jobs: CSV rows applied like collections records, results kept as CSV."""

from __future__ import annotations

import csv
import io
import threading
import time
from typing import Any

from clinic_sandbox.salesforce.errors import RecordError, SfError
from clinic_sandbox.salesforce.ids import normalize
from clinic_sandbox.salesforce.operations import Context, MultipleMatches, create, delete, upsert
from clinic_sandbox.salesforce.operations import update as update_record
from clinic_sandbox.salesforce.schema import ObjectSpec
from clinic_sandbox.salesforce.store import now_text

OPERATIONS = ("insert", "update", "upsert", "delete")
NULL = "#N/A"


def invalid_job(message: str) -> SfError:
    return SfError(400, "INVALIDJOB", message)


def new_job(ctx: Context, spec: ObjectSpec, body: dict[str, Any], version: str) -> dict[str, Any]:
    """A job in state Open, from the POST /jobs/ingest body (validated here)."""
    operation = body.get("operation")
    if operation == "hardDelete":
        raise SfError(400, "FeatureNotEnabled", "hardDelete is not enabled for this user")
    if operation not in OPERATIONS:
        raise invalid_job(f"Invalid operation: {operation}")
    if body.get("contentType", "CSV") != "CSV":
        raise invalid_job("contentType must be CSV")
    if body.get("lineEnding", "LF") not in ("LF", "CRLF"):
        raise invalid_job("lineEnding must be LF or CRLF")
    if body.get("columnDelimiter", "COMMA") != "COMMA":
        raise invalid_job("Only the COMMA columnDelimiter is supported")
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        field = spec.fields.get(external or "")
        if field is None or not field.external_id:
            raise invalid_job(
                f"externalIdFieldName {external} is not an External ID on {spec.name}"
            )
    rid = ctx.store.new_id("750")
    stamp = now_text()
    return {
        "info": {
            "id": rid,
            "operation": operation,
            "object": spec.name,
            "createdById": ctx.user_id,
            "createdDate": stamp,
            "systemModstamp": stamp,
            "state": "Open",
            "externalIdFieldName": external if operation == "upsert" else None,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(version),
            "jobType": "V2Ingest",
            "contentUrl": f"services/data/v{version}/jobs/ingest/{rid}/batches",
            "lineEnding": body.get("lineEnding", "LF"),
            "columnDelimiter": "COMMA",
            "numberRecordsProcessed": 0,
            "numberRecordsFailed": 0,
            "retries": 0,
            "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apexProcessingTime": 0,
        },
        "header": None,
        "rows": [],
        "results": [],  # (row, sf__Id, created or None, error or None)
        "broken": None,
        "ctx": ctx,
    }


def upload(job: dict[str, Any], data: bytes) -> None:
    """Append a CSV upload's rows; a header differing from an earlier upload breaks the job."""
    if job["info"]["state"] != "Open":
        raise SfError(409, "INVALIDJOBSTATE", "Data can only be uploaded to an Open job")
    text = data.decode("utf-8-sig", "replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return
    header, body = rows[0], [row for row in rows[1:] if row]
    if job["header"] is not None and header != job["header"]:
        job["broken"] = "InvalidBatch : uploads carry different column headers"
    job["header"] = job["header"] or header
    for row in body:
        if len(row) != len(header):
            job["broken"] = "InvalidBatch : a row has a different number of fields than the header"
        job["rows"].append(row)


def _problem(spec: ObjectSpec, job: dict[str, Any]) -> str | None:
    if job["broken"]:
        return job["broken"]
    if not job["header"]:
        return "InvalidBatch : no data uploaded"
    for column in job["header"]:
        name, _, ext = column.partition(".")
        if name == "Id":
            continue
        field = spec.fields.get(name) or spec.by_relationship(name)
        if field is None or (ext and field.relationship != name):
            return f"InvalidBatch : Field name not found : {column}"
    return None


def _body(spec: ObjectSpec, header: list[str], row: list[str], creating: bool) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for column, cell in zip(header, row, strict=False):
        if cell == "":
            continue  # Bulk leaves empty cells alone; #N/A clears a field
        value = None if cell == NULL else cell
        name, _, ext = column.partition(".")
        if creating and value is None:
            continue
        related = spec.by_relationship(name) if ext else None
        if related is not None and value is None:
            body[related.name] = None  # #N/A under Parent.ExtId__c clears the lookup
        elif ext:
            body[name] = {ext: value}
        else:
            body[name] = value
    return body


def _apply(ctx: Context, spec: ObjectSpec, info: dict, header: list, row: list) -> tuple[str, bool]:
    operation = info["operation"]
    body = _body(spec, header, row, creating=operation == "insert")
    if operation == "insert":
        return create(ctx, spec, body), True
    if operation == "upsert":
        field = info["externalIdFieldName"]
        value = body.pop(field, None)
        if not value:
            raise RecordError("MISSING_ARGUMENT", f"{field} not specified", [field])
        try:
            return upsert(ctx, spec, field, value, body)
        except MultipleMatches:
            message = f"Duplicate external id specified: {value}"
            raise RecordError("DUPLICATE_EXTERNAL_ID", message, [field]) from None
    rid = normalize(body.pop("Id", "") or "")
    if rid is None or ctx.store.get(spec.name, rid) is None:
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", ["Id"])
    if operation == "delete":
        delete(ctx, rid)
    else:
        update_record(ctx, spec, rid, body)
    return rid, False


def process(job: dict[str, Any]) -> None:
    """Run every row (callers hold the store lock); the job ends JobComplete or Failed."""
    info, ctx = job["info"], job["ctx"]
    started = time.monotonic()
    spec = ctx.store.objects.get(info["object"])
    problem = "InvalidBatch : the object is no longer deployed" if spec is None else None
    problem = problem or _problem(spec, job)
    if problem:
        info.update(state="Failed", errorMessage=problem)
        return
    info["state"] = "InProgress"
    header = job["header"]
    id_column = header.index("Id") if "Id" in header else None
    for row in job["rows"]:
        try:
            rid, created = _apply(ctx, spec, info, header, row)
            job["results"].append((row, rid, created, None))
        except RecordError as error:
            given = row[id_column] if id_column is not None else ""
            job["results"].append((row, given, None, error))
            info["numberRecordsFailed"] += 1
        info["numberRecordsProcessed"] += 1
    elapsed = int((time.monotonic() - started) * 1000)
    info.update(state="JobComplete", totalProcessingTime=elapsed, apiActiveProcessingTime=elapsed)
    info["systemModstamp"] = now_text()


def schedule(job: dict[str, Any], delay: float) -> None:
    """Process the job after `delay` seconds, unless the store was reset meanwhile."""
    store = job["ctx"].store
    generation = store.generation

    def run() -> None:
        with store.lock:
            if store.generation == generation and job["info"]["state"] == "UploadComplete":
                process(job)

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()


def results_csv(job: dict[str, Any], kind: str) -> str:
    """successfulResults / failedResults / unprocessedrecords as CSV, in upload order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    header = job["header"] or []
    if kind == "unprocessedrecords":
        writer.writerow(header)
        done = len(job["results"])
        writer.writerows(
            job["rows"][done:] if job["info"]["state"] in ("Aborted", "Failed") else []
        )
        return out.getvalue()
    second = "sf__Created" if kind == "successfulResults" else "sf__Error"
    writer.writerow(["sf__Id", second, *header])
    for row, rid, created, error in job["results"]:
        if kind == "successfulResults" and error is None:
            writer.writerow([rid, "true" if created else "false", *row])
        elif kind == "failedResults" and error is not None:
            detail = f"{error.code}:{error.message}:{','.join(error.fields)} --"
            writer.writerow([rid, detail, *row])
    return out.getvalue()
