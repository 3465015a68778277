"""Required fields, text limits, custom field checks, references and unknown attributes."""

from __future__ import annotations

import pytest

from .freshsales_helpers import account, contact, create, messages


def test_a_deal_needs_name_amount_and_sales_account_all_reported_at_once(api):
    response = api.post("/deals", json={"deal": {"custom_field": {"cf_cliniko_id": "invoice:1"}}})
    assert response.status_code == 400
    assert messages(response) == [
        "Name can't be blank",
        "Amount can't be blank",
        "Sales account id can't be blank",
    ]


def test_a_contact_needs_a_last_name_or_an_email(api):
    response = api.post("/contacts", json={"contact": {"first_name": "Mia"}})
    assert response.status_code == 400
    assert messages(response) == ["Last name can't be blank unless email or emails is given"]
    by_email = {"first_name": "Mia", "emails": [{"value": "mia@example.com", "is_primary": True}]}
    assert api.post("/contacts", json={"contact": by_email}).status_code == 201


def test_blanking_a_required_field_on_update_is_a_400(api):
    clinic = account(api)
    response = api.put(f"/sales_accounts/{clinic['id']}", json={"sales_account": {"name": ""}})
    assert response.status_code == 400
    assert messages(response) == ["Name can't be blank"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"job_title": "x" * 256}, "Job title is too long (maximum is 255 characters)"),
        (
            {"custom_field": {"cf_medical_history": "x" * 32_769}},
            "Cf medical history is too long (maximum is 32768 characters)",
        ),
        (
            {"custom_field": {"cf_insurance_status": "lapsed"}},
            "Cf insurance status is not included in the list",
        ),
        (
            {"custom_field": {"cf_date_of_birth": "31/01/1990"}},
            "Cf date of birth must be a date (YYYY-MM-DD)",
        ),
        (
            {"custom_field": {"cf_shoe_size": "9"}},
            "Custom field cf_shoe_size is not defined for contacts",
        ),
        ({"owner_id": 123}, "Owner id does not exist (123)"),
        (
            {"sales_accounts": [{"id": 17_000_000_099}]},
            "Sales accounts does not exist (17000000099)",
        ),
    ],
)
def test_a_bad_value_is_a_400_naming_the_field(api, record, message):
    body = {"last_name": "Ng", **record}
    response = api.post("/contacts", json={"contact": body})
    assert response.status_code == 400
    assert messages(response) == [message]


def test_text_areas_take_32768_characters(api):
    person = contact(
        api, custom_field={"cf_cliniko_id": "patient:1", "cf_medical_history": "x" * 32_768}
    )
    assert len(person["custom_field"]["cf_medical_history"]) == 32_768


def test_note_descriptions_are_limited_to_65535_characters(api):
    person = contact(api)
    note = {"targetable_type": "Contact", "targetable_id": person["id"]}
    assert (
        api.post("/notes", json={"note": {**note, "description": "x" * 65_535}}).status_code == 201
    )
    response = api.post("/notes", json={"note": {**note, "description": "x" * 65_536}})
    assert messages(response) == ["Description is too long (maximum is 65535 characters)"]


def test_activities_must_point_at_an_existing_record(api):
    task = {"title": "Call", "due_date": "2026-02-01T09:00:00Z", "targetable_type": "Contact"}
    response = api.post("/tasks", json={"task": {**task, "targetable_id": 16_000_000_099}})
    assert response.status_code == 400
    assert messages(response) == ["Targetable does not exist (Contact 16000000099)"]
    person = contact(api)
    created = create(api, "tasks", "task", {**task, "targetable_id": person["id"]})
    # Without owner_id the task belongs to the key's user, the first user.
    assert created["owner_id"] == 70_000_000_001


def test_an_appointment_cannot_end_before_it_starts(api):
    appointment = {
        "title": "Consult",
        "from_date": "2026-02-01T10:00:00Z",
        "end_date": "2026-02-01T09:00:00Z",
    }
    response = api.post("/appointments", json={"appointment": appointment})
    assert messages(response) == ["End date must be after the from date"]


def test_unknown_attributes_are_dropped_and_counted(sim, api):
    clinic = account(api)
    deal = {"name": "Invoice 1", "amount": 80, "sales_account_id": clinic["id"], "contact_id": 5}
    created = create(api, "deals", "deal", {**deal, "custom_field": {"cf_cliniko_id": "invoice:1"}})
    assert "contact_id" not in created
    assert sim.stats()["ignored_attributes"] == {"deals.contact_id": 1}


def test_strict_attributes_make_unknown_attributes_a_400(sim, api):
    sim.store.strict_attributes = True
    try:
        response = api.post("/contacts", json={"contact": {"last_name": "Ng", "nickname": "M"}})
    finally:
        sim.store.strict_attributes = False
    assert messages(response) == ["Unknown attribute nickname"]
