"""Upsert by external id on the sObject rows resource: 201 / 200 / 300 / 404."""

from __future__ import annotations

import httpx
from clinic_sandbox.salesforce.testing import RunningSimulator

PATH = "/sobjects/Contact/Cliniko_Id__c/patient:9"


def test_creates_then_updates_only_the_fields_sent(
    sim: RunningSimulator, api: httpx.Client
) -> None:
    created = api.patch(PATH, json={"LastName": "Ng", "Email": "ng@x.co"})
    assert created.status_code == 201
    assert created.json() == {
        "id": created.json()["id"],
        "success": True,
        "errors": [],
        "created": True,
    }
    updated = api.patch(PATH, json={"FirstName": "Al"})
    assert updated.status_code == 200
    assert updated.json()["created"] is False and updated.json()["id"] == created.json()["id"]
    (held,) = sim.records("Contact")
    assert (held["Cliniko_Id__c"], held["Email"], held["FirstName"]) == (
        "patient:9",
        "ng@x.co",
        "Al",
    )


def test_get_by_external_id_and_url_encoded_values(api: httpx.Client) -> None:
    api.patch("/sobjects/Contact/Cliniko_Id__c/patient%3A9", json={"LastName": "Ng"})
    assert api.get(PATH).json()["LastName"] == "Ng"
    assert api.get("/sobjects/Contact/Cliniko_Id__c/patient:404").status_code == 404


def test_update_only_and_non_external_fields_answer_404(api: httpx.Client) -> None:
    assert api.patch(PATH + "?updateOnly=true", json={"LastName": "Ng"}).status_code == 404
    wrong = api.patch("/sobjects/Contact/Email/a@b.co", json={"LastName": "Ng"})
    assert wrong.status_code == 404
    assert "Provided external ID field does not exist" in wrong.json()[0]["message"]


def test_id_or_a_different_key_in_the_body_is_refused(api: httpx.Client) -> None:
    with_id = api.patch(PATH, json={"LastName": "Ng", "Id": "0035S0000000001QAA"})
    other_key = api.patch(PATH, json={"LastName": "Ng", "Cliniko_Id__c": "patient:8"})
    same_key = api.patch(PATH, json={"LastName": "Ng", "Cliniko_Id__c": "patient:9"})
    assert [r.status_code for r in (with_id, other_key, same_key)] == [400, 400, 201]


def test_several_matches_answer_300_with_their_urls(api: httpx.Client) -> None:
    field = {
        "FullName": "Contact.Legacy_Id__c",
        "Metadata": {"type": "Text", "length": 40, "label": "Legacy", "externalId": True},
    }
    assert api.post("/tooling/sobjects/CustomField", json=field).status_code == 201
    ids = [
        api.post("/sobjects/Contact", json={"LastName": n, "Legacy_Id__c": "L1"}).json()["id"]
        for n in ("A", "B")
    ]
    answer = api.patch("/sobjects/Contact/Legacy_Id__c/L1", json={"LastName": "C"})
    assert answer.status_code == 300
    assert answer.json() == [f"/services/data/v62.0/sobjects/Contact/{rid}" for rid in ids]
    assert api.get("/sobjects/Contact/Legacy_Id__c/L1").status_code == 300
