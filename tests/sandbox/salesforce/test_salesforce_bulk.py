"""Bulk API 2.0 ingest: job lifecycle, CSV semantics and the three result files."""

from __future__ import annotations

import csv
import io
import time

import httpx
from clinic_sandbox.salesforce.testing import RunningSimulator


def _job(api: httpx.Client, csv_text: str, **spec: str) -> str:
    created = api.post("/jobs/ingest", json={"contentType": "CSV", "lineEnding": "LF", **spec})
    assert created.status_code == 200, created.text
    info = created.json()
    assert info["state"] == "Open" and info["id"].startswith("750")
    upload = api.put(
        f"/jobs/ingest/{info['id']}/batches", content=csv_text, headers={"Content-Type": "text/csv"}
    )
    assert upload.status_code == 201
    closed = api.patch(f"/jobs/ingest/{info['id']}", json={"state": "UploadComplete"})
    assert closed.json()["state"] == "UploadComplete"
    return info["id"]


def _finished(api: httpx.Client, job_id: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info = api.get(f"/jobs/ingest/{job_id}").json()
        if info["state"] in ("JobComplete", "Failed", "Aborted"):
            return info
        time.sleep(0.02)
    raise AssertionError("the job did not finish")


def _rows(api: httpx.Client, job_id: str, kind: str) -> list[dict]:
    answer = api.get(f"/jobs/ingest/{job_id}/{kind}/")
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_upsert_job_with_parent_references(
    sim: RunningSimulator, api: httpx.Client, account: str
) -> None:
    api.patch("/sobjects/Contact/Cliniko_Id__c/p:1", json={"LastName": "Old", "Email": "o@x.co"})
    data = (
        "Cliniko_Id__c,LastName,Email,Account.Cliniko_Id__c\n"
        "p:1,New,,business:1\n"
        'p:2,"Li, Jr",#N/A,business:1\n'
        "p:3,,,business:1\n"
        "p:4,Wu,,business:404\n"
    )
    job = _job(api, data, object="Contact", operation="upsert", externalIdFieldName="Cliniko_Id__c")
    info = _finished(api, job)
    assert (info["state"], info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (
        "JobComplete",
        4,
        2,
    )
    done = _rows(api, job, "successfulResults")
    assert [(r["Cliniko_Id__c"], r["sf__Created"]) for r in done] == [
        ("p:1", "false"),
        ("p:2", "true"),
    ]
    failed = _rows(api, job, "failedResults")
    assert [r["sf__Error"].split(":")[0] for r in failed] == [
        "REQUIRED_FIELD_MISSING",
        "INVALID_FIELD",
    ]
    assert failed[0]["sf__Id"] == "" and failed[1]["Cliniko_Id__c"] == "p:4"
    held = {r["Cliniko_Id__c"]: r for r in sim.records("Contact")}
    assert held["p:1"]["Email"] == "o@x.co"  # an empty cell leaves the field alone
    assert held["p:2"]["LastName"] == "Li, Jr" and held["p:2"]["AccountId"] == account


def test_insert_update_and_delete_jobs(sim: RunningSimulator, api: httpx.Client) -> None:
    job = _job(api, "Name\nA\nB\n", object="Account", operation="insert")
    assert _finished(api, job)["numberRecordsFailed"] == 0
    ids = [r["sf__Id"] for r in _rows(api, job, "successfulResults")]
    update = _job(api, f"Id,Phone\n{ids[0]},123\n", object="Account", operation="update")
    assert _finished(api, update)["numberRecordsFailed"] == 0
    assert sim.records("Account")[0]["Phone"] == "123"
    remove = _job(
        api, f"Id\n{ids[0]}\n{ids[1]}\n0015S00000000ZZQAA\n", object="Account", operation="delete"
    )
    assert _finished(api, remove)["numberRecordsFailed"] == 1
    assert sim.records("Account") == []


def test_unknown_column_fails_the_job(api: httpx.Client) -> None:
    job = _job(api, "LastName,Foo__c\nNg,1\n", object="Contact", operation="insert")
    info = _finished(api, job)
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Foo__c"


def test_job_state_rules(api: httpx.Client) -> None:
    bad = api.post("/jobs/ingest", json={"object": "Contact", "operation": "upsert"})
    assert bad.status_code == 400
    assert (
        api.post("/jobs/ingest", json={"object": "Nope__c", "operation": "insert"}).status_code
        == 400
    )
    job = _job(api, "LastName\nNg\n", object="Contact", operation="insert")
    again = api.put(f"/jobs/ingest/{job}/batches", content="LastName\nLi\n")
    assert again.status_code == 409 and again.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    assert job in {j["id"] for j in api.get("/jobs/ingest").json()["records"]}
    assert api.delete(f"/jobs/ingest/{job}").status_code == 204
    assert api.get(f"/jobs/ingest/{job}").status_code == 404


def test_aborted_job_lists_its_rows_as_unprocessed(
    sim: RunningSimulator, api: httpx.Client
) -> None:
    info = api.post("/jobs/ingest", json={"object": "Contact", "operation": "insert"}).json()
    api.put(f"/jobs/ingest/{info['id']}/batches", content="LastName\nNg\nLi\n")
    assert (
        api.patch(f"/jobs/ingest/{info['id']}", json={"state": "Aborted"}).json()["state"]
        == "Aborted"
    )
    assert [r["LastName"] for r in _rows(api, info["id"], "unprocessedrecords")] == ["Ng", "Li"]
    assert sim.records("Contact") == []


def test_not_available_marker_clears_fields_and_lookups(
    sim: RunningSimulator, api: httpx.Client, account: str
) -> None:
    api.patch(
        "/sobjects/Contact/Cliniko_Id__c/p:1",
        json={"LastName": "Ng", "Email": "a@b.co", "AccountId": account},
    )
    data = "Cliniko_Id__c,Email,Account.Cliniko_Id__c\np:1,#N/A,#N/A\n"
    job = _job(api, data, object="Contact", operation="upsert", externalIdFieldName="Cliniko_Id__c")
    assert _finished(api, job)["numberRecordsFailed"] == 0
    (held,) = sim.records("Contact")
    assert (held["Email"], held["AccountId"], held["LastName"]) == (None, None, "Ng")


def test_a_job_waits_for_its_delay_and_a_reset_drops_it() -> None:
    from clinic_sandbox.salesforce.testing import running_simulator

    with running_simulator(job_delay=60) as slow, slow.client(timeout=10) as api:
        job = _job(api, "Name\nA\n", object="Account", operation="insert")
        assert api.get(f"/jobs/ingest/{job}").json()["state"] == "UploadComplete"
        assert _rows(api, job, "successfulResults") == []
        slow.reset()
        assert api.get(f"/jobs/ingest/{job}").status_code == 404
        assert slow.records("Account") == []
