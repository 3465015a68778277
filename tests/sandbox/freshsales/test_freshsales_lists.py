"""Reads for diff and reconcile: filters, paged views, task/appointment lists, admin routes."""

from __future__ import annotations

import httpx

from .freshsales_helpers import contact, create


def test_views_page_through_every_record_with_meta(api):
    made = [contact(api, source_id=f"patient:{n}")["id"] for n in range(5)]
    filters = api.get("/contacts/filters").json()["filters"]
    assert [(f["name"], f["model_class_name"]) for f in filters] == [("All Contacts", "Contact")]
    view_id = filters[0]["id"]
    pages = [
        api.get(f"/contacts/view/{view_id}?page={page}&per_page=2").json() for page in (1, 2, 3)
    ]
    assert [page["meta"] for page in pages] == [{"total_pages": 3, "total": 5}] * 3
    assert [record["id"] for page in pages for record in page["contacts"]] == made
    past_end = api.get(f"/contacts/view/{view_id}?page=4&per_page=2").json()
    assert past_end["contacts"] == []


def test_views_clamp_per_page_to_100_and_sort_on_request(api):
    first, second = contact(api, source_id="patient:1"), contact(api, source_id="patient:2")
    api.put(f"/contacts/{first['id']}", json={"contact": {"city": "Perth"}})
    listed = api.get("/contacts/view/1001?per_page=500&sort=id&sort_type=desc").json()
    assert [record["id"] for record in listed["contacts"]] == [second["id"], first["id"]]
    assert api.get("/contacts/view/1001?per_page=0").status_code == 400
    assert api.get("/contacts/view/1002").status_code == 404


def test_task_and_appointment_lists_filter_by_state(api):
    person = contact(api)
    target = {"targetable_type": "Contact", "targetable_id": person["id"]}
    task = {"due_date": "2020-01-01T09:00:00Z", **target}
    open_task = create(api, "tasks", "task", {"title": "Open", **task})
    done_task = create(api, "tasks", "task", {"title": "Done", "status": 1, **task})
    listed = {
        name: [t["id"] for t in api.get(f"/tasks?filter={name}").json()["tasks"]]
        for name in ("open", "completed", "overdue", "all")
    }
    assert listed == {
        "open": [open_task["id"]],
        "completed": [done_task["id"]],
        "overdue": [open_task["id"]],
        "all": [open_task["id"], done_task["id"]],
    }
    past = {"from_date": "2020-01-01T09:00:00Z", "end_date": "2020-01-01T10:00:00Z"}
    future = {"from_date": "2999-01-01T09:00:00Z", "end_date": "2999-01-01T10:00:00Z"}
    old = create(api, "appointments", "appointment", {"title": "Old", **past, **target})
    new = create(api, "appointments", "appointment", {"title": "New", **future, **target})
    assert [a["id"] for a in api.get("/appointments").json()["appointments"]] == [new["id"]]
    past_list = api.get("/appointments?filter=past").json()["appointments"]
    assert [a["id"] for a in past_list] == [old["id"]]
    assert api.get("/tasks?filter=someday").status_code == 400


def test_admin_reads_everything_and_counts_requests(sim, api):
    contact(api)
    api.get("/contacts/16000000001")
    api.get("/contacts/16000000002")
    held = httpx.get(f"{sim.root_url}/_admin/records/contacts").json()
    assert (held["entity"], held["count"]) == ("contacts", 1)
    assert held["records"] == sim.records("contacts")
    stats = sim.stats()
    assert stats["by_route"] == {"POST /contacts": 1, "GET /contacts/{id}": 2}
    assert stats["by_status"] == {"201": 1, "200": 1, "404": 1}
    assert stats["records"]["contacts"] == 1
    assert httpx.get(f"{sim.root_url}/_admin/records/widgets").status_code == 404


def test_admin_reset_empties_records_and_counters(sim, api):
    contact(api)
    assert httpx.post(f"{sim.root_url}/_admin/reset").json() == {"reset": True}
    assert sim.records("contacts") == []
    assert sim.stats()["requests_total"] == 0
    # Ids start again from the base.
    assert contact(api)["id"] == 16_000_000_001


def test_a_parent_read_side_loads_its_notes_and_documents(api):
    person, other = contact(api, source_id="patient:1"), contact(api, source_id="patient:2")
    note = {"description": "Seen", "targetable_type": "Contact", "targetable_id": person["id"]}
    mine = create(api, "notes", "note", note)
    create(api, "notes", "note", {**note, "targetable_id": other["id"]})
    form = {"targetable_id": str(person["id"]), "targetable_type": "Contact"}
    api.post("/documents", data=form, files={"file": ("scan.png", b"png", "image/png")})
    body = api.get(f"/contacts/{person['id']}", params={"include": "notes,documents"}).json()
    assert body["contact"]["id"] == person["id"]
    assert [n["id"] for n in body["notes"]] == [mine["id"]]
    assert [d["name"] for d in body["documents"]] == ["scan.png"]
    assert api.get(f"/contacts/{person['id']}?include=secrets").status_code == 400
