"""One-record calls: create, read, update, delete, describe and field validation."""

from __future__ import annotations

import httpx
import pytest
from clinic_sandbox.salesforce.testing import RunningSimulator


def test_create_read_update_delete(api: httpx.Client, account: str) -> None:
    created = api.post("/sobjects/Contact", json={"LastName": "Ng", "AccountId": account})
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "success": True, "errors": []}
    rid = created.json()["id"]
    record = api.get(f"/sobjects/Contact/{rid}").json()
    assert record["attributes"] == {
        "type": "Contact",
        "url": f"/services/data/v62.0/sobjects/Contact/{rid}",
    }
    assert (record["LastName"], record["AccountId"], record["Email"]) == ("Ng", account, None)
    assert record["OwnerId"].startswith("005")
    changed = api.patch(f"/sobjects/Contact/{rid[:15]}", json={"FirstName": "Al"})
    assert (changed.status_code, changed.content) == (204, b"")
    assert api.get(f"/sobjects/Contact/{rid}?fields=Name").json() == {
        "attributes": record["attributes"],
        "Id": rid,
        "Name": "Al Ng",
    }
    assert api.delete(f"/sobjects/Contact/{rid}").status_code == 204
    gone = api.get(f"/sobjects/Contact/{rid}")
    assert gone.status_code == 404
    assert gone.json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


def test_describe_reports_the_field_metadata_targets_read(api: httpx.Client) -> None:
    body = api.get("/sobjects/Contact/describe").json()
    fields = {field["name"]: field for field in body["fields"]}
    assert body["keyPrefix"] == "003"
    assert fields["LastName"]["nillable"] is False and fields["LastName"]["length"] == 80
    assert fields["Cliniko_Id__c"]["externalId"] and fields["Cliniko_Id__c"]["unique"]
    assert fields["AccountId"]["referenceTo"] == ["Account"]
    assert fields["AccountId"]["relationshipName"] == "Account"
    assert fields["Name"]["createable"] is False
    status = api.get("/sobjects/Appointment__c/describe").json()
    status_field = next(f for f in status["fields"] if f["name"] == "Status__c")
    assert status_field["restrictedPicklist"] is True
    assert status_field["picklistValues"][0]["value"] == "Booked"
    names = {entry["name"] for entry in api.get("/sobjects").json()["sobjects"]}
    assert {"Account", "Contact", "Appointment__c", "Invoice__c", "ContentNote"} <= names


def test_custom_objects_exist_only_when_deployed() -> None:
    from clinic_sandbox.salesforce.testing import running_simulator

    with running_simulator() as bare, bare.client(timeout=10) as client:
        assert client.get("/sobjects/Appointment__c/describe").status_code == 404
        contact = client.get("/sobjects/Contact/describe").json()
        assert "Cliniko_Id__c" not in {f["name"] for f in contact["fields"]}
        refused = client.post("/sobjects/Contact", json={"LastName": "Ng", "Cliniko_Id__c": "x"})
        assert refused.json()[0]["errorCode"] == "INVALID_FIELD"


@pytest.mark.parametrize(
    ("obj", "body", "code", "fields"),
    [
        ("Contact", {"FirstName": "Al"}, "REQUIRED_FIELD_MISSING", ["LastName"]),
        ("Account", {"Phone": "1"}, "REQUIRED_FIELD_MISSING", ["Name"]),
        ("Contact", {"LastName": "x" * 81}, "STRING_TOO_LONG", ["LastName"]),
        (
            "Contact",
            {"LastName": "Ng", "Birthdate": "31/01/2026"},
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            ["Birthdate"],
        ),
        (
            "Contact",
            {"LastName": "Ng", "Email": "not-an-email"},
            "INVALID_EMAIL_ADDRESS",
            ["Email"],
        ),
        (
            "Contact",
            {"LastName": "Ng", "Name": "Al Ng"},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            ["Name"],
        ),
        ("Contact", {"LastName": "Ng", "Id": "0035S0000000001QAA"}, "INVALID_FIELD", ["Id"]),
        (
            "Contact",
            {"LastName": "Ng", "AccountId": "0015S00000000ZZQAA"},
            "INVALID_CROSS_REFERENCE_KEY",
            ["AccountId"],
        ),
        (
            "Appointment__c",
            {"Name": "A", "Status__c": "Maybe"},
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            ["Status__c"],
        ),
        (
            "Invoice__c",
            {"Name": "I", "Total_Amount__c": "lots"},
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            ["Total_Amount__c"],
        ),
    ],
)
def test_validation_errors(
    api: httpx.Client, obj: str, body: dict, code: str, fields: list
) -> None:
    answer = api.post(f"/sobjects/{obj}", json=body)
    assert answer.status_code == 400
    (error,) = answer.json()
    assert (error["errorCode"], error["fields"]) == (code, fields)


def test_error_messages_do_not_echo_the_values_sent(api: httpx.Client) -> None:
    secret = "Medicare 2953 7195 1-1 of a patient" * 3
    answer = api.post("/sobjects/Contact", json={"LastName": "Ng", "Medicare_Number__c": secret})
    assert answer.json()[0]["errorCode"] == "STRING_TOO_LONG"
    assert "2953" not in answer.text


def test_unknown_field_fails_the_request(api: httpx.Client) -> None:
    answer = api.post("/sobjects/Contact", json={"LastName": "Ng", "Foo__c": 1})
    assert answer.json() == [
        {
            "message": "No such column 'Foo__c' on sobject of type Contact",
            "errorCode": "INVALID_FIELD",
        }
    ]


def test_duplicate_unique_value_names_the_holder(api: httpx.Client, account: str) -> None:
    answer = api.post("/sobjects/Account", json={"Name": "Again", "Cliniko_Id__c": "business:1"})
    (error,) = answer.json()
    assert error["errorCode"] == "DUPLICATE_VALUE"
    assert error["message"].endswith(account)


def test_parent_by_external_id_resolves_or_fails(api: httpx.Client, account: str) -> None:
    good = api.post(
        "/sobjects/Contact", json={"LastName": "Ng", "Account": {"Cliniko_Id__c": "business:1"}}
    )
    assert api.get(f"/sobjects/Contact/{good.json()['id']}").json()["AccountId"] == account
    bad = api.post(
        "/sobjects/Contact", json={"LastName": "Li", "Account": {"Cliniko_Id__c": "business:404"}}
    )
    assert bad.json()[0] == {
        "message": "Foreign key external ID: business:404 not found for field Cliniko_Id__c "
        "in entity Account",
        "errorCode": "INVALID_FIELD",
        "fields": ["AccountId"],
    }
    not_external = api.post(
        "/sobjects/Contact", json={"LastName": "Li", "Account": {"Name": "North Clinic"}}
    )
    assert not_external.json()[0]["errorCode"] == "INVALID_FIELD"


def test_users_are_seeded_and_read_only(sim: RunningSimulator, api: httpx.Client) -> None:
    users = sim.records("User")
    assert [u["Email"] for u in users] == ["ana.ruiz@clinic.test", "Bob.Lee@clinic.test"]
    assert users[1]["Name"] == "Bob Lee"
    refused = api.post(
        "/sobjects/User", json={"LastName": "X", "Username": "x@y.z", "Email": "x@y.z"}
    )
    assert (refused.status_code, refused.json()[0]["errorCode"]) == (403, "INSUFFICIENT_ACCESS")


def test_null_clears_and_required_fields_cannot_be_cleared(api: httpx.Client) -> None:
    rid = api.post("/sobjects/Contact", json={"LastName": "Ng", "Email": "a@b.co"}).json()["id"]
    assert api.patch(f"/sobjects/Contact/{rid}", json={"Email": None}).status_code == 204
    assert api.get(f"/sobjects/Contact/{rid}").json()["Email"] is None
    cleared = api.patch(f"/sobjects/Contact/{rid}", json={"LastName": None})
    assert cleared.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_audit_fields_are_read_only_unless_enabled(api: httpx.Client) -> None:
    from clinic_sandbox.salesforce.testing import running_simulator

    stamp = "2020-05-01T09:30:00.000+0000"
    refused = api.post("/sobjects/Account", json={"Name": "A", "CreatedDate": stamp})
    assert refused.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    with running_simulator(audit_fields=True) as audited, audited.client(timeout=10) as client:
        rid = client.post("/sobjects/Account", json={"Name": "A", "CreatedDate": stamp}).json()[
            "id"
        ]
        assert client.get(f"/sobjects/Account/{rid}").json()["CreatedDate"] == stamp


def test_custom_objects_link_their_parents(sim: RunningSimulator, api: httpx.Client) -> None:
    ana = sim.records("User")[0]["Id"]
    api.patch("/sobjects/Account/Cliniko_Id__c/business:1", json={"Name": "North"})
    practitioner = {
        "Name": "Dr Ana",
        "User__c": ana,
        "Clinic_Account__r": {"Cliniko_Id__c": "business:1"},
    }
    assert (
        api.patch(
            "/sobjects/Practitioner__c/Cliniko_Id__c/practitioner:1", json=practitioner
        ).status_code
        == 201
    )
    api.patch("/sobjects/Contact/Cliniko_Id__c/patient:1", json={"LastName": "Ng"})
    appointment = {
        "Name": "Consult",
        "Status__c": "Booked",
        "Start__c": "2026-01-31T09:00:00+10:00",
        "Contact__r": {"Cliniko_Id__c": "patient:1"},
        "Practitioner__r": {"Cliniko_Id__c": "practitioner:1"},
    }
    assert (
        api.patch(
            "/sobjects/Appointment__c/Cliniko_Id__c/appointment:1", json=appointment
        ).status_code
        == 201
    )
    (held,) = sim.records("Appointment__c")
    assert held["Contact__c"].startswith("003") and held["Practitioner__c"].startswith("a01")
    assert sim.records("Practitioner__c")[0]["Clinic_Account__c"].startswith("001")
    product = api.post("/sobjects/Product2", json={"Name": "Band", "Unit_Cost__c": "12.50"}).json()[
        "id"
    ]
    assert api.get(f"/sobjects/Product2/{product}").json()["IsActive"] is False
    assert api.get(f"/sobjects/Product2/{product}").json()["Unit_Cost__c"] == 12.5
