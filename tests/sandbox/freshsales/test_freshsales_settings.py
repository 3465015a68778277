"""Owners from a users list or file, field metadata, forms and custom field creation."""

from __future__ import annotations

import json

import pytest
from clinic_sandbox.freshsales.users import build_users, load_users_file

from .freshsales_helpers import contact, messages


def test_owners_list_the_configured_users(api):
    response = api.get("/selector/owners")
    assert response.status_code == 200
    users = response.json()["users"]
    assert [(u["id"], u["email"], u["display_name"]) for u in users] == [
        (70_000_000_001, "ana.ruiz@clinic.test", "ana.ruiz"),
        (70_000_000_002, "Bob.Lee@clinic.test", "Bob Lee"),
    ]
    assert all(user["is_active"] for user in users)


def test_owner_ids_are_accepted_as_owners(api):
    person = contact(api, owner_id=70_000_000_002)
    assert person["owner_id"] == 70_000_000_002


@pytest.mark.parametrize(
    ("content", "emails"),
    [
        ("a@clinic.test\n\nb@clinic.test\n", ["a@clinic.test", "b@clinic.test"]),
        (json.dumps(["a@clinic.test"]), ["a@clinic.test"]),
        (json.dumps({"users": [{"email": "a@clinic.test", "name": "A"}]}), ["a@clinic.test"]),
        (json.dumps({"practitioners": [{"email": "p@clinic.test"}]}), ["p@clinic.test"]),
    ],
)
def test_users_files_hold_emails_as_text_or_json(tmp_path, content, emails):
    path = tmp_path / "users"
    path.write_text(content, encoding="utf-8")
    assert [user["email"] for user in build_users(load_users_file(path))] == emails


def test_bad_users_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match="repeats an email"):
        build_users(["a@clinic.test", "A@clinic.test"])
    with pytest.raises(ValueError, match="no valid email"):
        build_users([{"name": "No Email"}])
    with pytest.raises(ValueError, match="cannot read"):
        load_users_file(tmp_path / "missing.json")


def test_field_metadata_lists_standard_and_custom_fields(api):
    response = api.get("/settings/contacts/fields")
    assert response.status_code == 200
    fields = {field["name"]: field for field in response.json()["fields"]}
    assert fields["last_name"]["default"] is True
    assert fields["last_name"]["max_length"] == 255
    cliniko_id = fields["cf_cliniko_id"]
    assert (cliniko_id["default"], cliniko_id["unique"], cliniko_id["field_type"]) == (
        False,
        True,
        "text",
    )
    status = fields["cf_insurance_status"]
    assert [choice["value"] for choice in status["choices"]] == ["active", "expired"]
    assert fields["cf_medical_history"]["max_length"] == 32_768
    deal_fields = {f["name"]: f for f in api.get("/settings/deals/fields").json()["fields"]}
    assert deal_fields["amount"]["required"] is True


def test_a_created_custom_field_is_listed_and_usable(api):
    forms = api.get("/settings/contacts/forms").json()["forms"]
    form_id = forms[0]["id"]
    body = {
        "field": {
            "label": "Preferred clinic",
            "field_type": "dropdown",
            "choices": ["North", "South"],
        }
    }
    response = api.post(f"/settings/contacts/forms/{form_id}/fields", json=body)
    assert response.status_code == 201
    field = response.json()["field"]
    assert (field["name"], field["field_type"]) == ("cf_preferred_clinic", "dropdown")
    listed = [f["name"] for f in api.get("/settings/contacts/fields").json()["fields"]]
    assert "cf_preferred_clinic" in listed
    person = contact(
        api, custom_field={"cf_cliniko_id": "patient:1", "cf_preferred_clinic": "North"}
    )
    assert person["custom_field"]["cf_preferred_clinic"] == "North"


def test_field_creation_accepts_numeric_type_codes_and_unique_flags(sim, api):
    body = {"field": {"label": "Legacy id", "field_type": 1, "unique": True}}
    assert api.post("/settings/tasks/forms/2005/fields", json=body).status_code == 201
    assert sim.store.custom_field("tasks", "cf_legacy_id").unique is True


CONTACT_FIELDS = "/settings/contacts/forms/2001/fields"
TEXT = {"field_type": "text"}


@pytest.mark.parametrize(
    ("path", "field", "status", "message"),
    [
        (CONTACT_FIELDS, {"label": "Tier"}, 400, "Field type can't be blank"),
        (
            CONTACT_FIELDS,
            {"label": "Tier", "field_type": 42},
            400,
            "Field type 42 is not one of text, textarea, number, checkbox, date, "
            "date_time, dropdown, radio, multi_select_dropdown",
        ),
        (CONTACT_FIELDS, {"label": "Cliniko id", **TEXT}, 400, "Name has already been taken"),
        (
            CONTACT_FIELDS,
            {"label": "Tier", "field_type": "dropdown"},
            400,
            "Choices can't be blank for a dropdown field",
        ),
        (CONTACT_FIELDS, TEXT, 400, "Label can't be blank"),
        (
            CONTACT_FIELDS,
            {"label": "Tier", "name": "tier", **TEXT},
            400,
            "Name must start with cf_",
        ),
        ("/settings/contacts/forms/9999/fields", {"label": "X", **TEXT}, 404, "Form not found"),
        (
            "/settings/notes/forms/2007/fields",
            {"label": "X", **TEXT},
            404,
            "Note has no custom fields",
        ),
    ],
)
def test_bad_field_creation_is_refused_with_the_reason(api, path, field, status, message):
    response = api.post(path, json={"field": field})
    assert response.status_code == status
    assert messages(response) == [message]


def test_a_reset_removes_created_fields(sim, api):
    body = {"field": {"label": "Temporary", "field_type": "text"}}
    assert api.post("/settings/deals/forms/2004/fields", json=body).status_code == 201
    sim.reset()
    names = [f["name"] for f in api.get("/settings/deals/fields").json()["fields"]]
    assert "cf_temporary" not in names
    assert "cf_cliniko_id" in names


STATUS_FIELD = f"{CONTACT_FIELDS}/f-contacts-cf_insurance_status"


def test_a_dropdown_gains_choices_and_records_keep_their_values(api):
    person = contact(api, custom_field={"cf_cliniko_id": "p:1", "cf_insurance_status": "expired"})
    listed = {f["name"]: f for f in api.get("/settings/contacts/fields").json()["fields"]}
    choices = listed["cf_insurance_status"]["choices"]
    body = {"field": {"choices": [*choices, {"value": "pending"}]}}
    response = api.put(STATUS_FIELD, json=body)
    assert response.status_code == 200, response.text
    field = response.json()["field"]
    assert [c["value"] for c in field["choices"]] == ["active", "expired", "pending"]
    assert field["id"] == listed["cf_insurance_status"]["id"]
    assert field["position"] == listed["cf_insurance_status"]["position"]
    again = api.get(f"/contacts/{person['id']}").json()["contact"]
    assert again["custom_field"]["cf_insurance_status"] == "expired"
    updated = contact(
        api, "p:2", custom_field={"cf_cliniko_id": "p:2", "cf_insurance_status": "pending"}
    )
    assert updated["custom_field"]["cf_insurance_status"] == "pending"


@pytest.mark.parametrize(
    ("path", "field", "status", "message"),
    [
        (STATUS_FIELD, {"field_type": "text"}, 400, "Field type cannot be changed"),
        (STATUS_FIELD, {"name": "cf_other"}, 400, "Name cannot be changed"),
        (STATUS_FIELD, {"choices": ["a", "a"]}, 400, "Choices must be unique"),
        (f"{CONTACT_FIELDS}/f-contacts-cf_notes", {"choices": ["a"]}, 400,
         "A textarea field has no choices"),
        (f"{CONTACT_FIELDS}/f-contacts-last_name", {"label": "Surname"}, 400,
         "Standard fields cannot be edited"),
        (f"{CONTACT_FIELDS}/f-contacts-cf_missing", {"label": "X"}, 404, "Field not found"),
        ("/settings/contacts/forms/9999/fields/f-contacts-cf_notes", {}, 404, "Form not found"),
    ],
)  # fmt: skip
def test_bad_field_changes_are_refused_with_the_reason(api, path, field, status, message):
    response = api.put(path, json={"field": field})
    assert response.status_code == status
    assert messages(response) == [message]
