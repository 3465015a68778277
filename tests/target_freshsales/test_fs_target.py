"""TargetFreshsales end to end against the in-memory Freshsales API (httpx.MockTransport)."""

from __future__ import annotations

import io
import json
import logging
import stat
from pathlib import Path

import httpx
import pytest
from crmsync.errors import ConfigError, FatalCrmError
from crmsync.store import SQLiteSyncStore
from crmsync.testing import singer_messages
from freshsales_fake import FakeFreshsales
from freshsales_harness import config, run, singer_input, target_class


def clinic() -> list[tuple[str, list[dict]]]:
    return [
        ("sales_accounts", [{"_source_id": "business:1", "name": "North clinic"}]),
        (
            "contacts",
            [
                {
                    "_source_id": "patient:1",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "_ref__sales_account_id": "business:1",
                    "_owner_email": "ana@clinic.test",
                },
                {"_source_id": "patient:2", "last_name": "Byron", "_owner_email": "nobody@x.test"},
            ],
        ),
        ("leads", [{"_source_id": "patient:3", "last_name": "Babbage"}]),
        (
            "tasks",
            [
                {
                    "_source_id": "appointment:1",
                    "title": "Consult",
                    "due_date": "2026-01-01T09:00:00Z",
                    "_ref__targetable_id": "patient:3",
                }
            ],
        ),
        (
            "notes",
            [
                {
                    "_source_id": "treatment_note:1",
                    "description": "ok",
                    "_ref__targetable_id": "patient:1",
                },
            ],
        ),
    ]


def test_first_run_writes_everything_and_links_children(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    report = run(fake, tmp_path, clinic())
    assert report["balanced"] is True
    assert report["objects"]["contacts"]["created"] == 2
    account_id = next(iter(fake.records["sales_accounts"]))
    ada = next(r for r in fake.records["contacts"].values() if r.get("first_name") == "Ada")
    assert ada["sales_account_id"] == account_id
    assert ada["owner_id"] == 70000000002
    task = next(iter(fake.records["tasks"].values()))
    lead_id = next(iter(fake.records["leads"]))
    assert task["targetable_type"] == "Lead"
    assert task["targetable_id"] == lead_id


def test_metric_lines_and_private_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="singer_sdk.metrics")
    run(FakeFreshsales(), tmp_path, clinic())
    points = [
        json.loads(r.getMessage().split("METRIC: ", 1)[1])
        for r in caplog.records
        if "crm_" in r.getMessage()
    ]
    created = {
        p["tags"]["stream"]: p["value"] for p in points if p["metric"] == "crm_records_created"
    }
    assert created == {"sales_accounts": 1, "contacts": 2, "leads": 1, "tasks": 1, "notes": 1}
    in_crm = {
        p["tags"]["stream"]: p["value"] for p in points if p["metric"] == "crm_destination_count"
    }
    assert in_crm["contacts"] == 2
    for path in [tmp_path / "sync" / "freshsales.sqlite", *(tmp_path / "reports").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert "Lovelace" not in caplog.text and "Babbage" not in caplog.text


def test_wrong_key_stops_before_any_write(tmp_path: Path) -> None:
    fake = FakeFreshsales(api_key="another-key")
    with pytest.raises(FatalCrmError, match="api_key"):
        run(fake, tmp_path, clinic())
    assert fake.requests == [("GET", "selector/owners")]


def test_429_is_waited_out_as_retry_after_says(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    limited = iter([True, True])

    def limit_first_posts(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and next(limited, False):
            return httpx.Response(429, headers={"Retry-After": "42"}, json={"errors": {}})
        return None

    fake.before.append(limit_first_posts)
    sleeps: list[float] = []
    target = target_class(fake, sleeps)(config=config(tmp_path), validate_config=True)
    target.listen(io.StringIO(singer_input(clinic()[:1])))
    assert sleeps == [42.0, 42.0]
    assert len(fake.records["sales_accounts"]) == 1


def test_bulk_upsert_job_for_large_batches_and_unchanged_on_rerun(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    people = [{"_source_id": f"patient:{n}", "last_name": f"P{n}"} for n in range(25)]
    batches = [("contacts", people)]
    report = run(fake, tmp_path, batches, bulk_upsert_threshold=10)
    assert report["objects"]["contacts"]["created"] == 25
    assert fake.calls("POST", "contacts/bulk_upsert") == 1
    assert fake.calls("POST", "contacts/upsert") == 0
    report = run(fake, tmp_path, batches, bulk_upsert_threshold=10)
    assert report["objects"]["contacts"]["unchanged"] == 25
    assert fake.calls("POST", "contacts/bulk_upsert") == 1


def test_bulk_element_failure_rejects_only_that_record(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    people = [{"_source_id": f"patient:{n}", "last_name": "X"} for n in range(11)]
    people[3]["last_name"] = None
    report = run(fake, tmp_path, [("contacts", people)], bulk_upsert_threshold=10)
    contacts = report["objects"]["contacts"]
    assert (contacts["created"], contacts["rejected"]) == (10, 1)
    assert contacts["reject_reasons"] == {"HTTP 400: Last name can't be blank": 1}
    assert len(fake.records["contacts"]) == 10


def test_note_create_lost_in_transit_is_found_on_rerun_not_duplicated(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    drop = iter([True])

    def lose_the_answer(request: httpx.Request, answer: httpx.Response) -> None:
        if request.url.path.endswith("/notes") and next(drop, False):
            raise httpx.ReadTimeout("answer lost after the note was stored")

    fake.after.append(lose_the_answer)
    first = run(fake, tmp_path, clinic())
    assert first["objects"]["notes"]["rejected"] == 1
    assert first["pending_intents"] == 1
    assert len(fake.records["notes"]) == 1  # it did land
    second = run(fake, tmp_path, clinic())
    assert len(fake.records["notes"]) == 1
    assert second["pending_intents"] == 0
    assert second["objects"]["notes"]["updated"] == 1


def test_task_create_lost_in_transit_is_found_by_its_cliniko_id(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    drop = iter([True])
    fake.after.append(
        lambda request, answer: (
            _raise(httpx.RemoteProtocolError("closed"))
            if request.url.path.endswith("/tasks")
            and request.method == "POST"
            and next(drop, False)
            else None
        )
    )
    run(fake, tmp_path, clinic())
    run(fake, tmp_path, clinic())
    assert len(fake.records["tasks"]) == 1
    assert fake.calls("GET", "tasks") >= 1


def _raise(exc: Exception) -> None:
    raise exc


def test_documents_are_uploaded_as_multipart_and_linked(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    file = tmp_path / "consent.pdf"
    file.write_bytes(b"%PDF-1.4 test")
    batches = [
        *clinic(),
        (
            "documents",
            [
                {
                    "_source_id": "attachment:1",
                    "file_name": "consent.pdf",
                    "_ref__targetable_id": "patient:1",
                    "_file_path": str(file),
                },
                {
                    "_source_id": "attachment:2",
                    "file_name": "gone.pdf",
                    "_ref__targetable_id": "patient:1",
                    "_file_path": str(tmp_path / "missing.pdf"),
                },
            ],
        ),
    ]
    report = run(fake, tmp_path, batches)
    (document,) = fake.records["documents"].values()
    assert document["name"] == "consent.pdf" and document["targetable_type"] == "Contact"
    assert report["objects"]["documents"]["reject_reasons"] == {"file not found (_file_path)": 1}


def test_a_full_child_batch_waits_for_its_parents_buffered_batch(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    people = [
        {"_source_id": f"patient:{n}", "last_name": "X", "_ref__sales_account_id": "business:1"}
        for n in range(100)  # fills the contacts sink while the account is still buffered
    ]
    batches = [
        ("sales_accounts", [{"_source_id": "business:1", "name": "North"}]),
        ("contacts", people),
    ]
    report = run(fake, tmp_path, batches)
    assert report["objects"]["contacts"]["created"] == 100
    assert fake.requests.index(("POST", "sales_accounts/upsert")) < fake.requests.index(
        ("POST", "contacts/bulk_upsert")
    )


def test_update_keeps_the_replaced_values_as_before(tmp_path: Path) -> None:
    fake = FakeFreshsales()
    run(fake, tmp_path, [("sales_accounts", [{"_source_id": "business:1", "name": "North"}])])
    run(fake, tmp_path, [("sales_accounts", [{"_source_id": "business:1", "name": "North 2"}])])
    store = SQLiteSyncStore(tmp_path / "sync" / "freshsales.sqlite")
    (row,) = store.audit(2)
    assert (row["operation"], row["outcome"]) == ("update", "updated")
    assert json.loads(row["before"]) == {"name": "North"}
    assert next(iter(fake.records["sales_accounts"].values()))["name"] == "North 2"


def test_unknown_stream_is_reported_not_sent_and_fails_after_the_others_are_written(
    tmp_path: Path,
) -> None:
    fake = FakeFreshsales()
    batches = [*clinic(), ("persons", [{"_source_id": "patient:1", "name": "secret"}] * 3)]
    target = target_class(fake)(config=config(tmp_path), validate_config=True)
    with pytest.raises(ConfigError, match=r"persons are not freshsales objects; their 3 records"):
        target.listen(io.StringIO(singer_messages(batches)))
    report = json.loads(next((tmp_path / "reports").glob("freshsales-run-1.json")).read_text())
    assert report["status"] == "failed" and "persons" in report["error"]
    assert report["objects"]["notes"]["created"] == 1  # everything known was still written
    assert all(not path.startswith("persons") for _, path in fake.requests)
