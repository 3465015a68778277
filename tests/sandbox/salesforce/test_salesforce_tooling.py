"""Tooling API: CustomField creation (describe, writes and SOQL see it) and its query."""

from __future__ import annotations

import httpx
import pytest
from clinic_sandbox.salesforce.testing import running_simulator


def _field(full_name: str, **metadata: object) -> dict:
    return {"FullName": full_name, "Metadata": {"label": "L", **metadata}}


def test_created_field_is_described_writable_and_listed() -> None:
    with running_simulator() as bare, bare.client(timeout=10) as api:
        body = _field(
            "Contact.Cliniko_Id__c", type="Text", length=255, externalId=True, unique=True
        )
        created = api.post("/tooling/sobjects/CustomField", json=body)
        assert created.status_code == 201
        assert created.json()["id"].startswith("00N") and created.json()["success"] is True
        fields = {f["name"]: f for f in api.get("/sobjects/Contact/describe").json()["fields"]}
        assert fields["Cliniko_Id__c"]["externalId"] and fields["Cliniko_Id__c"]["custom"]
        assert (
            api.patch("/sobjects/Contact/Cliniko_Id__c/p:1", json={"LastName": "Ng"}).status_code
            == 201
        )
        soql = (
            "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
            "WHERE TableEnumOrId = 'Contact'"
        )
        rows = api.get("/tooling/query", params={"q": soql}).json()["records"]
        assert [(r["DeveloperName"], r["TableEnumOrId"]) for r in rows] == [
            ("Cliniko_Id", "Contact")
        ]


def test_picklist_and_lookup_fields() -> None:
    with running_simulator() as bare, bare.client(timeout=10) as api:
        values = {
            "restricted": True,
            "valueSetDefinition": {"value": [{"fullName": "Bupa", "label": "Bupa"}]},
        }
        assert (
            api.post(
                "/tooling/sobjects/CustomField",
                json=_field("Contact.Fund__c", type="Picklist", valueSet=values),
            ).status_code
            == 201
        )
        lookup = _field(
            "Contact.Clinic__c", type="Lookup", referenceTo="Account", relationshipName="Clinic"
        )
        assert api.post("/tooling/sobjects/CustomField", json=lookup).status_code == 201
        refused = api.post("/sobjects/Contact", json={"LastName": "Ng", "Fund__c": "Other"})
        assert refused.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
        account = api.post("/sobjects/Account", json={"Name": "A"}).json()["id"]
        rid = api.post("/sobjects/Contact", json={"LastName": "Ng", "Clinic__c": account}).json()[
            "id"
        ]
        assert api.get(f"/sobjects/Contact/{rid}").json()["Clinic__c"] == account
        fields = {f["name"]: f for f in api.get("/sobjects/Contact/describe").json()["fields"]}
        assert fields["Clinic__c"]["relationshipName"] == "Clinic__r"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_field("Contact.Medicare_Number__c", type="Text", length=20), "DUPLICATE_DEVELOPER_NAME"),
        (_field("Contact.Bad Name", type="Text", length=20), "INVALID_FIELD"),
        (_field("Contact.Size__c", type="Blob"), "FIELD_INTEGRITY_EXCEPTION"),
        (_field("Contact.Size__c", type="Text", length=999), "FIELD_INTEGRITY_EXCEPTION"),
        (
            {"FullName": "Contact.Size__c", "Metadata": {"type": "Text", "length": 9}},
            "FIELD_INTEGRITY_EXCEPTION",
        ),
        (_field("User.Size__c", type="Text", length=20), "INVALID_TYPE"),
        (_field("Nope__c.Size__c", type="Text", length=20), "INVALID_TYPE"),
    ],
)
def test_refusals(api: httpx.Client, body: dict, code: str) -> None:
    answer = api.post("/tooling/sobjects/CustomField", json=body)
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == code


def test_deployed_fields_are_listed_and_reset_drops_created_ones(sim, api: httpx.Client) -> None:
    # A custom object's fields name it by its CustomObject Id, as in a real org.
    (invoice,) = api.get(
        "/tooling/query",
        params={"q": "SELECT Id FROM CustomObject WHERE DeveloperName = 'Invoice'"},
    ).json()["records"]
    assert invoice["Id"].startswith("01I")
    soql = f"SELECT Id, FullName FROM CustomField WHERE TableEnumOrId = '{invoice['Id']}'"  # noqa: S608
    before = api.get("/tooling/query", params={"q": soql}).json()["totalSize"]
    assert before >= 5
    api.post("/tooling/sobjects/CustomField", json=_field("Invoice__c.Extra__c", type="Date"))
    assert api.get("/tooling/query", params={"q": soql}).json()["totalSize"] == before + 1
    sim.reset()
    assert api.get("/tooling/query", params={"q": soql}).json()["totalSize"] == before


def test_a_picklist_reads_its_metadata_and_takes_new_values(api: httpx.Client) -> None:
    (obj,) = api.get(
        "/tooling/query",
        params={"q": "SELECT Id FROM CustomObject WHERE DeveloperName = 'Appointment'"},
    ).json()["records"]
    soql = (
        "SELECT Id FROM CustomField WHERE DeveloperName = 'Status' "  # noqa: S608
        f"AND TableEnumOrId = '{obj['Id']}'"
    )
    (row,) = api.get("/tooling/query", params={"q": soql}).json()["records"]
    path = f"/tooling/sobjects/CustomField/{row['Id']}"
    current = api.get(path).json()
    assert current["FullName"] == "Appointment__c.Status__c"
    metadata = current["Metadata"]
    values = metadata["valueSet"]["valueSetDefinition"]["value"]
    assert metadata["type"] == "Picklist" and "Booked" in [v["fullName"] for v in values]
    values.append({"fullName": "Rescheduled", "label": "Rescheduled", "default": False})
    assert api.patch(path, json={"Metadata": metadata}).status_code == 204
    fields = {f["name"]: f for f in api.get("/sobjects/Appointment__c/describe").json()["fields"]}
    listed = [v["value"] for v in fields["Status__c"]["picklistValues"]]
    assert listed[-1] == "Rescheduled" and "Booked" in listed
    written = api.post("/sobjects/Appointment__c", json={"Name": "A", "Status__c": "Rescheduled"})
    assert written.status_code == 201
    # The type cannot change here, and an unknown field is a 404.
    changed = api.patch(path, json={"Metadata": {**metadata, "type": "Text"}})
    assert changed.json()[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert api.get("/tooling/sobjects/CustomField/00N000000000999AAA").status_code == 404
