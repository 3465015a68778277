"""The SOQL subset: the queries a target runs, paging through nextRecordsUrl, refusals."""

from __future__ import annotations

import httpx
import pytest
from clinic_sandbox.salesforce.soql import parse
from clinic_sandbox.salesforce.testing import RunningSimulator, running_simulator


def _load(api: httpx.Client, count: int) -> None:
    records = [
        {"attributes": {"type": "Contact"}, "LastName": f"N{i}", "Cliniko_Id__c": f"p:{i}"}
        for i in range(count)
    ]
    api.post("/composite/sobjects", json={"records": records}).raise_for_status()


def test_active_users_by_email(api: httpx.Client) -> None:
    body = api.get(
        "/query", params={"q": "SELECT Id, Email FROM User WHERE IsActive = true"}
    ).json()
    assert body["totalSize"] == 2 and body["done"] is True
    assert [r["Email"] for r in body["records"]] == ["ana.ruiz@clinic.test", "Bob.Lee@clinic.test"]
    assert set(body["records"][0]) == {"attributes", "Id", "Email"}


def test_count_of_migrated_records(api: httpx.Client) -> None:
    _load(api, 3)
    api.post("/sobjects/Contact", json={"LastName": "Native"})
    body = api.get(
        "/query", params={"q": "SELECT COUNT() FROM Contact WHERE Cliniko_Id__c != null"}
    ).json()
    assert body == {"totalSize": 3, "done": True, "records": []}


def test_in_list_with_quoted_values(api: httpx.Client) -> None:
    _load(api, 3)
    api.patch("/sobjects/Contact/Cliniko_Id__c/o'neil", json={"LastName": "O'Neil"})
    soql = (
        "select id, cliniko_id__c, LastName from Contact "
        "where Cliniko_Id__c in ('p:0', 'p:2', 'o\\'neil') order by LastName desc"
    )
    body = api.get("/query", params={"q": soql}).json()
    assert [r["LastName"] for r in body["records"]] == ["O'Neil", "N2", "N0"]
    assert set(body["records"][0]) == {"attributes", "Id", "Cliniko_Id__c", "LastName"}


def test_paging_through_next_records_url(sim: RunningSimulator) -> None:
    with (
        running_simulator(with_custom_objects=True, query_page_size=2) as small,
        small.client(timeout=10) as api,
    ):
        _load(api, 5)
        seen, url = [], "/query?q=SELECT+Id,+Cliniko_Id__c+FROM+Contact"
        pages = 0
        while url:
            body = api.get(url).json()
            assert body["totalSize"] == 5
            seen += [r["Cliniko_Id__c"] for r in body["records"]]
            url = body.get("nextRecordsUrl", "").removeprefix("/services/data/v62.0")
            pages += 1
        assert (seen, pages) == ([f"p:{i}" for i in range(5)], 3)
        header = {"Sforce-Query-Options": "batchSize=200"}
        assert api.get("/query?q=SELECT Id FROM Contact", headers=header).json()["done"] is True


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Contact WHERE LastName = 'a' OR LastName = 'b'", "MALFORMED_QUERY"),
        ("SELECT Id, Account.Name FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact WHERE LastName LIKE 'a%'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact LIMIT 5 OFFSET 5", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"),
        ("SELECT Nope__c FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Nope__c", "INVALID_TYPE"),
    ],
)
def test_outside_the_subset_is_refused(api: httpx.Client, soql: str, code: str) -> None:
    answer = api.get("/query", params={"q": soql})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == code


def test_parser_reads_limit_and_not_in() -> None:
    query = parse("SELECT Id FROM Contact WHERE Cliniko_Id__c NOT IN ('a', 'b') LIMIT 1")
    rows = [{"Id": "1", "Cliniko_Id__c": "a"}, {"Id": "2", "Cliniko_Id__c": "c"}, {"Id": "3"}]
    assert [row["Id"] for row in query.run(rows)] == ["2"]
