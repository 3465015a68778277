"""sObject Collections: per-record results in input order, allOrNone, the 200-record cap."""

from __future__ import annotations

import httpx
from clinic_sandbox.salesforce.testing import RunningSimulator


def _contact(**fields: object) -> dict:
    return {"attributes": {"type": "Contact"}, **fields}


def test_create_reports_each_record_in_order(api: httpx.Client, account: str) -> None:
    records = [
        _contact(LastName="Ng", AccountId=account),
        _contact(FirstName="NoLast"),
        {"attributes": {"type": "Account"}, "Name": "South"},
    ]
    answer = api.post("/composite/sobjects", json={"allOrNone": False, "records": records})
    assert answer.status_code == 200
    first, second, third = answer.json()
    assert first["success"] and first["id"].startswith("003") and first["errors"] == []
    assert second == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [LastName]",
                "fields": ["LastName"],
            }
        ],
    }
    assert third["success"] and third["id"].startswith("001")


def test_all_or_none_rolls_every_record_back(sim: RunningSimulator, api: httpx.Client) -> None:
    records = [_contact(LastName="Ng", Cliniko_Id__c="p:1"), _contact(LastName="x" * 99)]
    answer = api.post("/composite/sobjects", json={"allOrNone": True, "records": records})
    first, second = answer.json()
    assert first["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert second["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert sim.records("Contact") == []
    again = api.post("/composite/sobjects", json={"allOrNone": True, "records": records[:1]})
    assert again.json()[0]["success"] is True  # the rolled-back external id is free again


def test_upsert_creates_updates_and_flags_duplicates(
    sim: RunningSimulator, api: httpx.Client, account: str
) -> None:
    api.patch("/sobjects/Contact/Cliniko_Id__c/p:1", json={"LastName": "Old"})
    records = [
        _contact(Cliniko_Id__c="p:1", LastName="New"),
        _contact(Cliniko_Id__c="p:2", LastName="Li", Account={"Cliniko_Id__c": "business:1"}),
        _contact(Cliniko_Id__c="p:3", LastName="A"),
        _contact(Cliniko_Id__c="p:3", LastName="B"),
        _contact(LastName="NoKey"),
    ]
    answer = api.patch("/composite/sobjects/Contact/Cliniko_Id__c", json={"records": records})
    results = answer.json()
    assert [r.get("created") for r in results] == [False, True, None, None, None]
    assert [r["errors"][0]["statusCode"] for r in results[2:]] == [
        "DUPLICATE_EXTERNAL_ID",
        "DUPLICATE_EXTERNAL_ID",
        "MISSING_ARGUMENT",
    ]
    held = {r["Cliniko_Id__c"]: r for r in sim.records("Contact")}
    assert held["p:1"]["LastName"] == "New" and held["p:2"]["AccountId"] == account
    assert set(held) == {"p:1", "p:2"}


def test_upsert_refuses_a_record_of_another_type(api: httpx.Client) -> None:
    records = [{"attributes": {"type": "Account"}, "Cliniko_Id__c": "b:9", "Name": "X"}]
    answer = api.patch("/composite/sobjects/Contact/Cliniko_Id__c", json={"records": records})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALID_TYPE"


def test_update_needs_ids_of_live_records(api: httpx.Client) -> None:
    rid = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    records = [
        _contact(Id=rid, FirstName="Al"),
        _contact(FirstName="X"),
        _contact(Id="0035S00000000ZZQAA", FirstName="Y"),
    ]
    results = api.patch("/composite/sobjects", json={"records": records}).json()
    assert results[0] == {"id": rid, "success": True, "errors": []}
    assert [r["errors"][0]["statusCode"] for r in results[1:]] == [
        "MISSING_ARGUMENT",
        "ENTITY_IS_DELETED",
    ]
    assert api.get(f"/sobjects/Contact/{rid}").json()["Name"] == "Al Ng"


def test_delete_and_retrieve_by_ids(api: httpx.Client) -> None:
    ids = [api.post("/sobjects/Contact", json={"LastName": n}).json()["id"] for n in ("A", "B")]
    fetched = api.get(
        "/composite/sobjects/Contact", params={"ids": ",".join(ids), "fields": "LastName"}
    )
    assert [r["LastName"] for r in fetched.json()] == ["A", "B"]
    answer = api.delete(
        "/composite/sobjects", params={"ids": f"{ids[0]},{ids[0]}", "allOrNone": "false"}
    )
    first, second = answer.json()
    assert first == {"id": ids[0], "success": True, "errors": []}
    assert second["id"] == ids[0] and second["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    rolled = api.delete(
        "/composite/sobjects", params={"ids": f"{ids[1]},{ids[0]}", "allOrNone": "true"}
    )
    assert rolled.json()[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert api.get(f"/sobjects/Contact/{ids[1]}").status_code == 200


def test_limits_and_malformed_bodies_fail_the_whole_request(
    sim: RunningSimulator, api: httpx.Client
) -> None:
    too_many = [_contact(LastName=str(i)) for i in range(201)]
    answer = api.post("/composite/sobjects", json={"records": too_many})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    unknown = api.post(
        "/composite/sobjects", json={"records": [_contact(LastName="A"), _contact(Foo__c=1)]}
    )
    assert unknown.status_code == 400 and unknown.json()[0]["errorCode"] == "INVALID_FIELD"
    untyped = api.post("/composite/sobjects", json={"records": [{"LastName": "A"}]})
    assert untyped.json()[0]["errorCode"] == "INVALID_TYPE"
    assert sim.records("Contact") == []
    exactly = api.post("/composite/sobjects", json={"records": too_many[:200]})
    assert all(r["success"] for r in exactly.json())


def test_numeric_external_ids_match_their_text(sim: RunningSimulator, api: httpx.Client) -> None:
    api.patch("/sobjects/Contact/Cliniko_Id__c/123", json={"LastName": "Old"})
    records = [_contact(Cliniko_Id__c=123, LastName="New"), _contact(Cliniko_Id__c={"x": 1})]
    first, second = api.patch(
        "/composite/sobjects/Contact/Cliniko_Id__c", json={"records": records}
    ).json()
    assert first["created"] is False
    assert second["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert [c["LastName"] for c in sim.records("Contact")] == ["New"]
