"""Async bulk jobs: bulk_upsert with per-record results, bulk_destroy, job status polling."""

from __future__ import annotations

import time

import pytest
from clinic_sandbox.freshsales.testing import running_simulator

from .freshsales_helpers import contact

POLL_LIMIT_SECONDS = 10.0


def wait_for_job(api, job_id):
    """Poll until the job completes (the loop bounds a hang; it does not time anything)."""
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        status = api.get(f"/job_statuses/{job_id}")
        assert status.status_code == 200
        job = status.json()["job_status"]
        if job["status"] == "completed" or time.monotonic() > deadline:
            return job
        time.sleep(0.02)


def element(source_id, record, key="contact"):
    return {"unique_identifier": {"cf_cliniko_id": source_id}, key: record}


def test_bulk_upsert_reports_created_updated_and_failed_per_record_in_order(sim, api):
    existing = contact(api, source_id="patient:2", first_name="Old")
    body = {
        "contacts": [
            element("patient:1", {"last_name": "Ng"}),
            element("patient:2", {"first_name": "New"}, key="data"),
            element("patient:3", {"first_name": "No last name"}),
            element("patient:4", {"last_name": "Li", "custom_field": {"cf_unknown": 1}}),
        ]
    }
    response = api.post("/contacts/bulk_upsert", json=body)
    assert response.status_code == 202
    job = wait_for_job(api, response.json()["job_id"])

    assert job["status"] == "completed"
    assert (job["total"], job["success_count"], job["failure_count"]) == (4, 2, 2)
    results = job["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["status"] for r in results] == ["created", "updated", "failed", "failed"]
    assert results[1]["id"] == existing["id"]
    assert results[2]["unique_identifier"] == {"cf_cliniko_id": "patient:3"}
    assert results[2]["errors"]["code"] == 400
    assert results[3]["errors"]["message"] == [
        "Custom field cf_unknown is not defined for contacts"
    ]
    held = {r["custom_field"]["cf_cliniko_id"]: r for r in sim.records("contacts")}
    assert set(held) == {"patient:1", "patient:2"}
    assert held["patient:2"]["first_name"] == "New"


def test_a_job_is_queued_until_it_runs():
    with (
        running_simulator(with_custom_fields=True, job_delay=1.0) as slow,
        slow.client(timeout=10) as api,
    ):
        response = api.post(
            "/sales_accounts/bulk_upsert",
            json={"sales_accounts": [element("business:1", {"name": "North"}, "sales_account")]},
        )
        job_id = response.json()["job_id"]
        queued = api.get(f"/job_statuses/{job_id}").json()["job_status"]
        assert (queued["status"], queued["results"]) == ("queued", [])
        assert slow.records("sales_accounts") == []
        assert wait_for_job(api, job_id)["success_count"] == 1
        assert len(slow.records("sales_accounts")) == 1


@pytest.mark.parametrize(
    "body",
    [{"contacts": []}, {"contacts": "x"}, {"contacts": [{"contact": {"last_name": "Ng"}}]}, {}],
)
def test_a_malformed_bulk_request_is_refused_whole(sim, api, body):
    assert api.post("/contacts/bulk_upsert", json=body).status_code == 400
    assert sim.store.jobs == {}


def test_more_than_100_records_in_one_call_is_a_400(api):
    body = {"contacts": [element(f"patient:{n}", {"last_name": "Ng"}) for n in range(101)]}
    response = api.post("/contacts/bulk_upsert", json=body)
    assert response.status_code == 400
    assert response.json()["errors"]["message"] == [
        "contacts can have at most 100 entries, got 101"
    ]


def test_bulk_destroy_deletes_and_reports_missing_ids(sim, api):
    first, second = contact(api, source_id="patient:1"), contact(api, source_id="patient:2")
    response = api.post(
        "/contacts/bulk_destroy", json={"selected_ids": [first["id"], 16_000_000_099]}
    )
    assert response.status_code == 202
    job = wait_for_job(api, response.json()["job_id"])
    assert [r["status"] for r in job["results"]] == ["deleted", "failed"]
    assert job["results"][1]["errors"] == {"code": 404, "message": ["Contact not found"]}
    assert [r["id"] for r in sim.records("contacts")] == [second["id"]]


def test_an_unknown_job_is_a_404(api):
    assert api.get("/job_statuses/9000000999").status_code == 404
