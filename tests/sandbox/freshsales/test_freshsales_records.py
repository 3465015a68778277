"""Record routes: auth, wrapping, get/put/delete, per-entity ids, custom field merging."""

from __future__ import annotations

import httpx

from .freshsales_helpers import account, contact, create, messages


def test_requests_without_the_right_token_get_401(sim, api):
    missing = httpx.get(f"{sim.base_url}/selector/owners")
    wrong = httpx.get(f"{sim.base_url}/selector/owners", headers={"Authorization": "Token token=x"})
    bearer = httpx.get(
        f"{sim.base_url}/selector/owners", headers={"Authorization": f"Bearer {sim.api_key}"}
    )
    assert [missing.status_code, wrong.status_code, bearer.status_code] == [401, 401, 401]
    assert missing.json()["login"] == "failed"
    assert api.get("/selector/owners").status_code == 200


def test_records_are_wrapped_in_and_out(api):
    created = contact(
        api, first_name="Mia", emails=[{"value": "mia@example.com", "is_primary": True}]
    )
    fetched = api.get(f"/contacts/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == {"contact": created}
    assert created["first_name"] == "Mia"
    assert created["custom_field"]["cf_cliniko_id"] == "patient:1"
    # Every defined custom field is listed, null when unset.
    assert created["custom_field"]["cf_allergies"] is None


def test_an_unwrapped_body_is_a_400_naming_the_wrapper(api):
    response = api.post("/contacts", json={"last_name": "Ng"})
    assert response.status_code == 400
    assert messages(response) == ['Request body must be wrapped as {"contact": {...}}']
    assert api.post("/contacts", content=b"{not json").status_code == 400


def test_each_entity_numbers_ids_from_its_own_base(api):
    clinic = account(api)
    person = contact(api, sales_accounts=[{"id": clinic["id"], "is_primary": True}])
    assert clinic["id"] == 17_000_000_001
    assert person["id"] == 16_000_000_001
    assert api.get(f"/contacts/{clinic['id']}").status_code == 404


def test_put_changes_only_the_fields_sent_and_merges_custom_fields(api):
    person = contact(
        api, first_name="Mia", custom_field={"cf_cliniko_id": "patient:1", "cf_gender": "F"}
    )
    response = api.put(
        f"/contacts/{person['id']}",
        json={"contact": {"job_title": "Teacher", "custom_field": {"cf_allergies": "Penicillin"}}},
    )
    assert response.status_code == 200
    updated = response.json()["contact"]
    assert updated["first_name"] == "Mia"
    assert updated["job_title"] == "Teacher"
    assert updated["custom_field"]["cf_gender"] == "F"
    assert updated["custom_field"]["cf_allergies"] == "Penicillin"
    assert updated["created_at"] == person["created_at"]


def test_delete_answers_true_then_the_record_is_gone_but_admin_still_sees_it(sim, api):
    person = contact(api)
    response = api.delete(f"/contacts/{person['id']}")
    assert response.status_code == 200
    assert response.json() is True
    assert api.get(f"/contacts/{person['id']}").status_code == 404
    assert api.delete(f"/contacts/{person['id']}").status_code == 404
    assert sim.records("contacts") == []
    held = httpx.get(f"{sim.root_url}/_admin/records/contacts?include_deleted=1").json()
    assert held["count"] == 1
    assert held["records"][0]["_deleted"] is True
    # A deleted record's unique value is free again.
    assert contact(api)["id"] != person["id"]


def test_products_live_under_cpq_and_notes_attach_to_a_contact(sim, api):
    product = create(api, "cpq/products", "product", {"name": "Massage 60 min"})
    assert api.get(f"/cpq/products/{product['id']}").json()["product"]["name"] == "Massage 60 min"
    person = contact(api)
    note = create(
        api,
        "notes",
        "note",
        {"description": "Follow up", "targetable_type": "Contact", "targetable_id": person["id"]},
    )
    assert [record["id"] for record in sim.records("notes")] == [note["id"]]
    assert "custom_field" not in note
