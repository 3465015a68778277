"""Upsert by a unique field and unique-field enforcement on create and update."""

from __future__ import annotations

from .freshsales_helpers import account, contact, messages


def upsert(api, source_id, record, entity="contacts", wrapper="contact"):
    body = {"unique_identifier": {"cf_cliniko_id": source_id}, wrapper: record}
    return api.post(f"/{entity}/upsert", json=body)


def test_upsert_creates_201_then_updates_200_touching_only_sent_fields(sim, api):
    created = upsert(api, "patient:7", {"first_name": "Mia", "last_name": "Ng"})
    assert created.status_code == 201
    record = created.json()["contact"]
    assert record["custom_field"]["cf_cliniko_id"] == "patient:7"

    updated = upsert(api, "patient:7", {"job_title": "Nurse"})
    assert updated.status_code == 200
    after = updated.json()["contact"]
    assert after["id"] == record["id"]
    assert (after["first_name"], after["last_name"], after["job_title"]) == ("Mia", "Ng", "Nurse")
    assert len(sim.records("contacts")) == 1


def test_upsert_works_for_accounts_deals_and_leads(api):
    clinic = account(api)
    deal = {"name": "Invoice 1", "amount": "80.00", "sales_account_id": clinic["id"]}
    assert upsert(api, "invoice:1", deal, "deals", "deal").status_code == 201
    assert upsert(api, "invoice:1", {"amount": 90}, "deals", "deal").json()["deal"]["amount"] == 90
    assert (
        upsert(api, "business:1", {"city": "Perth"}, "sales_accounts", "sales_account").status_code
        == 200
    )
    assert upsert(api, "patient:9", {"last_name": "Li"}, "leads", "lead").status_code == 201


def test_a_second_record_with_the_same_cliniko_id_is_a_400(api):
    contact(api, source_id="patient:1")
    response = api.post(
        "/contacts",
        json={"contact": {"last_name": "Other", "custom_field": {"cf_cliniko_id": "patient:1"}}},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"code": 400, "message": ["Cf cliniko id already exists"]}}


def test_updating_a_record_onto_another_records_cliniko_id_is_a_400(api):
    contact(api, source_id="patient:1")
    second = contact(api, source_id="patient:2")
    response = api.put(
        f"/contacts/{second['id']}",
        json={"contact": {"custom_field": {"cf_cliniko_id": "patient:1"}}},
    )
    assert response.status_code == 400
    assert messages(response) == ["Cf cliniko id already exists"]
    # Re-sending a record's own value is not a duplicate.
    own = api.put(
        f"/contacts/{second['id']}",
        json={"contact": {"custom_field": {"cf_cliniko_id": "patient:2"}}},
    )
    assert own.status_code == 200


def test_emails_are_not_unique_for_contacts(api):
    shared = [{"value": "family@example.com", "is_primary": True}]
    first = contact(api, source_id="patient:1", emails=shared)
    second = contact(api, source_id="patient:2", emails=shared)
    assert first["id"] != second["id"]
    # Which is why email cannot be an upsert key once two patients share one.
    body = {"unique_identifier": {"emails": "family@example.com"}, "contact": {"city": "Perth"}}
    response = api.post("/contacts/upsert", json=body)
    assert response.status_code == 400
    assert messages(response) == ["Emails matches more than one record"]


def test_upsert_by_a_field_that_is_not_unique_is_refused(api):
    body = {"unique_identifier": {"cf_gender": "F"}, "contact": {"last_name": "Ng"}}
    response = api.post("/contacts/upsert", json=body)
    assert response.status_code == 400
    assert messages(response) == ["Unique identifier cf_gender is not a unique field"]
    assert api.post("/contacts/upsert", json={"contact": {"last_name": "Ng"}}).status_code == 400
