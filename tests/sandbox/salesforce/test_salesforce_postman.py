"""Request shapes checked against the official Salesforce Postman collection (forcedotcom, API v50).

Each covered request is taken from the collection: its method, its URL template (placeholders
filled with live values) and its body keys. The simulator must route it and answer success.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from clinic_sandbox.salesforce.testing import RunningSimulator

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
COLLECTION = (
    SHARED / "crm-specs/salesforce/postman-salesforce-apis-2021-01/collections/salesforce_apis"
)
pytestmark = pytest.mark.skipif(
    not COLLECTION.is_dir(),
    reason="../shared/crm-specs/salesforce (the official Postman collection) is not present",
)

# file → expected status; the body comes from the collection where it has one.
COVERED = {
    "rest/describe_global.json": 200,
    "rest/sobject_describe.json": 200,
    "rest/sobject_basic_information.json": 200,
    "rest/sobject_create.json": 201,
    "rest/sobject_rows.json": 200,
    "rest/sobject_rows_update.json": 204,
    "rest/sobject_rows_by_external_id.json": 200,
    "rest/sobject_rows_delete.json": 204,
    "rest/query.json": 200,
    "rest/limit.json": 200,
    "rest/versions.json": 200,
    "composite/sobject_collections_create.json": 200,
    "composite/sobject_collections_update.json": 200,
    "composite/sobject_collections_retrieve.json": 200,
    "composite/sobject_collections_delete.json": 200,
    "tooling/post_tooling_sobject.json": 201,
    "tooling/tooling_query.json": 200,
    "bulk_v2/create_job.json": 200,
    "bulk_v2/upload_job_data.json": 201,
    "bulk_v2/close_or_abort_a_job.json": 200,
    "bulk_v2/get_job_info.json": 200,
    "bulk_v2/get_all_jobs.json": 200,
    "bulk_v2/get_job_successful_record_results.json": 200,
    "bulk_v2/get_job_failed_record_results.json": 200,
    "bulk_v2/get_job_unprocessed_record_results.json": 200,
    "bulk_v2/delete_job.json": 204,
}


def _request(name: str) -> dict[str, Any]:
    return json.loads((COLLECTION / name).read_text(encoding="utf-8"))


def _fixture_values(api: httpx.Client) -> dict[str, str]:
    account = api.post("/sobjects/Account", json={"Name": "A", "Cliniko_Id__c": "business:1"})
    job = api.post("/jobs/ingest", json={"object": "Account", "operation": "insert"}).json()["id"]
    return {"record": account.json()["id"], "job": job}


def _url(sim: RunningSimulator, name: str, raw: str, values: dict[str, str]) -> str:
    url = raw.replace("{{_endpoint}}", sim.base_url).replace("{{url}}{{site}}", sim.base_url)
    url = url.replace("{{version}}", "62.0").replace("{{_jobId}}", values["job"])
    object_name = "CustomField" if name.startswith("tooling/post") else "Account"
    url = url.replace("<SOBJECT_API_NAME>", object_name).replace("<RECORD_ID>", values["record"])
    url = url.replace("<FIELD_NAME>", "Cliniko_Id__c").replace("<FIELD_VALUE>", "business:1")
    assert "{{" not in url and "<" not in url, f"unfilled placeholder in {url}"
    return url.split("?")[0]


def _params(name: str, request: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    given = {q["key"]: q.get("value") or "" for q in request.get("queryParams") or []}
    fills = {
        "ids": values["record"],
        "fields": "Name",
        "allOrNone": "false",
        "q": "SELECT Id FROM Account" if "tooling" not in name else "SELECT Id FROM CustomField",
    }
    return {key: fills.get(key, value) for key, value in given.items()}


def _body(name: str, request: dict[str, Any], values: dict[str, str]) -> Any:
    raw = (request.get("rawModeData") or "").strip()
    if name == "bulk_v2/upload_job_data.json":
        return "Name\nFrom Postman\n"
    if not raw:
        return None
    body = json.loads(raw)
    if "records" in body:  # {"allOrNone": "Boolean", "records": "SObject[]"} placeholders
        record: dict[str, Any] = {"attributes": {"type": "Account"}, "Name": "Coll"}
        if "update" in name:
            record["Id"] = values["record"]
        body = {"allOrNone": False, "records": [record]}
    elif name == "bulk_v2/create_job.json":
        assert set(body) == {"object", "operation"}
        body = {**body, "object": "Account", "operation": "insert"}
    elif name == "tooling/post_tooling_sobject.json":
        body = {
            "FullName": "Account.Postman__c",
            "Metadata": {"type": "Text", "length": 10, "label": "P"},
        }
    elif name in ("rest/sobject_create.json", "rest/sobject_rows_update.json"):
        body = {"Name": "test"}
    elif name == "rest/versions.json":
        return None  # the collection carries a stray body on a GET
    return body


@pytest.mark.parametrize("name", list(COVERED))
def test_postman_request_is_served(sim: RunningSimulator, api: httpx.Client, name: str) -> None:
    request = _request(name)
    values = _fixture_values(api)
    if name.startswith("bulk_v2/get_job_") or name == "bulk_v2/delete_job.json":
        api.put(f"/jobs/ingest/{values['job']}/batches", content="Name\nX\n")
        api.patch(f"/jobs/ingest/{values['job']}", json={"state": "UploadComplete"})
    body = _body(name, request, values)
    kwargs: dict[str, Any] = {"params": _params(name, request, values)}
    if isinstance(body, str):
        kwargs["content"] = body
    elif body is not None:
        kwargs["json"] = body
    url = _url(sim, name, request["url"], values)
    answer = api.request(request["method"], url, **kwargs)
    assert answer.status_code == COVERED[name], (name, answer.text)


def test_every_covered_file_is_in_the_collection() -> None:
    missing = [name for name in COVERED if not (COLLECTION / name).is_file()]
    assert missing == []


@pytest.mark.parametrize("name", ["auth/jwt_bearer_token_flow.json", "auth/refresh_token.json"])
def test_token_requests_use_the_collection_form_keys(sim: RunningSimulator, name: str) -> None:
    request = _request(name)
    assert request["method"] == "POST" and request["dataMode"] == "urlencoded"
    creds = sim.credentials
    fills = {
        "assertion": creds.jwt_assertion(),
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": creds.refresh_token,
    }
    form = {item["key"]: fills.get(item["key"], item["value"]) for item in request["data"]}
    url = re.sub(r"\{\{url\}\}\{\{site\}\}", sim.base_url, request["url"])
    answer = httpx.post(url, data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    # The collection's test script reads these from the answer.
    assert {"access_token", "instance_url", "id"} <= set(answer.json())
