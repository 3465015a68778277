"""Collections and Bulk API 2.0 per-record results reach the audit log record by record."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
from crmsync.client import WriteItem
from sf_fake import FakeSalesforce
from sf_harness import clinic, config, run, target_class
from target_salesforce.bulk import bulk_upsert, to_csv
from target_salesforce.objects import CONTACT
from target_salesforce.payload import bulk_row


def accounts(n: int) -> list[tuple[str, list[dict[str, Any]]]]:
    rows = [
        {"_source_id": f"business:{i}", "Cliniko_Id__c": f"business:{i}", "Name": f"B{i}"}
        for i in range(n)
    ]
    rows[1]["Name"] = ""  # the fake refuses an empty Name, as Salesforce does
    return [("account", rows)]


def audit(tmp_path: Path) -> dict[str, tuple[str, str | None, str | None]]:
    with sqlite3.connect(tmp_path / "sync" / "salesforce.sqlite") as db:
        rows = db.execute("SELECT source_id, outcome, crm_id, error FROM audit_log").fetchall()
    return {source: (outcome, crm_id, error) for source, outcome, crm_id, error in rows}


def test_collections_split_at_200_and_map_results_by_position(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    report = run(fake, tmp_path, accounts(450))
    calls = [p for m, p in fake.requests if m == "PATCH" and "/composite/sobjects/" in p]
    assert len(calls) == 3  # 200 + 200 + 50
    assert report["objects"]["account"]["created"] == 449
    assert report["objects"]["account"]["rejected"] == 1
    log = audit(tmp_path)
    assert log["business:1"][0] == "rejected"
    assert "REQUIRED_FIELD_MISSING" in str(log["business:1"][2])
    created = fake.by_ext("Account", "business:449")
    assert created is not None and log["business:449"] == ("created", created["Id"], None)


def test_bulk_results_map_back_record_by_record(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    report = run(fake, tmp_path, accounts(30), bulk_threshold=10)
    assert any(p.endswith("/jobs/ingest") for _, p in fake.requests)
    assert not any("/composite/sobjects/" in p for _, p in fake.requests)
    assert report["objects"]["account"]["created"] == 29
    log = audit(tmp_path)
    assert log["business:1"][0] == "rejected" and "bulk:" in str(log["business:1"][2])
    assert log["business:7"][1] == fake.by_ext("Account", "business:7")["Id"]  # type: ignore[index]


def item(n: int) -> WriteItem:
    return WriteItem(f"patient:{n}", {"LastName": f"P{n}", "Cliniko_Id__c": f"patient:{n}"}, "h")


def scripted(results: dict[str, str], state: dict[str, Any]) -> Any:
    """A `send` answering a finished job with the given result CSVs."""

    def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
        if path == "jobs/ingest" and method == "POST":
            return httpx.Response(200, json={"id": "750X"})
        if path == "jobs/ingest/750X" and method == "GET":
            return httpx.Response(200, json=state)
        kind = path.rstrip("/").rsplit("/", 1)[1]
        return httpx.Response(200, text=results.get(kind, ""))

    return send


def test_bulk_parses_successful_failed_and_unprocessed_rows() -> None:
    rows = [item(n).fields for n in range(4)]
    results = {
        "successfulResults": "sf__Id,sf__Created,LastName,Cliniko_Id__c\n"
        "003A,true,P0,patient:0\n003B,false,P1,patient:1\n",
        "failedResults": "sf__Id,sf__Error,LastName,Cliniko_Id__c\n"
        ',"STRING_TOO_LONG:too large:LastName --",P2,patient:2\n',
        "unprocessedrecords": "LastName,Cliniko_Id__c\nP3,patient:3\n",
    }
    state = {"state": "Failed", "errorMessage": "InvalidBatch"}
    out = bulk_upsert(scripted(results, state), "Contact", "Cliniko_Id__c", rows, 60)
    assert (out[0].crm_id, out[0].created) == ("003A", True)
    assert (out[1].crm_id, out[1].created) == ("003B", False)
    assert out[2].error == "bulk: STRING_TOO_LONG:too large:LastName --"
    assert out[3].error == "bulk: not processed (job Failed: InvalidBatch)"


def test_a_job_that_does_not_finish_leaves_its_records_unknown() -> None:
    sleeps: list[float] = []
    rows = [item(0).fields]
    out = bulk_upsert(
        scripted({}, {"state": "InProgress"}), "Contact", "Cliniko_Id__c", rows, 10, sleeps.append
    )
    assert out[0].unknown and out[0].crm_id is None
    assert sleeps == [1.0, 2.0, 4.0, 8.0]  # backed-off polls, each one an API call


def test_csv_nulls_and_booleans() -> None:
    text = to_csv([{"A": None, "B": True}, {"B": False, "C": "x,y"}])
    assert text == 'A,B,C\n#N/A,true,\n,false,"x,y"\n'


def test_rollback_and_read_back(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    client = target_class(fake).connect(config(tmp_path))
    written = client.upsert_batch(CONTACT, [item(n) for n in range(3)])
    ids = [r.crm_id for r in written]
    got = client.read_by_source(CONTACT, ["patient:0", "patient:2", "patient:9"], ["LastName"])
    assert {k: v["LastName"] for k, v in got.items()} == {"patient:0": "P0", "patient:2": "P2"}
    assert client.count(CONTACT) == 3
    deleted = client.delete_batch(CONTACT, [str(i) for i in ids])
    assert [(r.crm_id, r.deleted, r.error) for r in deleted] == [(i, True, None) for i in ids]
    assert client.count(CONTACT) == 0
    # A resumed rollback: the records are already in the Recycle Bin (ENTITY_IS_DELETED), gone.
    again = client.delete_batch(CONTACT, [str(i) for i in ids])
    assert [(r.deleted, r.http_status) for r in again] == [(True, 404)] * 3


def test_lookups_travel_as_the_parents_external_id(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    seen: list[dict[str, Any]] = []

    def capture(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/Contact/Cliniko_Id__c"):
            seen.extend(json.loads(request.content)["records"])
        return None

    fake.before.append(capture)
    run(fake, tmp_path, clinic(tmp_path))
    assert seen and all(r["Account"] == {"Cliniko_Id__c": "business:1"} for r in seen)
    assert all("AccountId" not in r for r in seen)
    account = fake.by_ext("Account", "business:1")
    assert account is not None
    assert {c["AccountId"] for c in fake.table("Contact").values()} == {account["Id"]}


def test_bulk_rows_carry_relationship_columns() -> None:
    item = WriteItem(
        "patient:1",
        {"LastName": "P", "AccountId": "001X"},
        "h",
        parents={"AccountId": "business:1"},
    )
    row = bulk_row(CONTACT, item, audit_fields=False)
    assert row == {
        "LastName": "P",
        "Cliniko_Id__c": "patient:1",
        "Account.Cliniko_Id__c": "business:1",
    }
