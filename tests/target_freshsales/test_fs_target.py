"""TargetFreshsales end to end against the in-memory Freshsales API (httpx.MockTransport)."""

from __future__ import annotations

from pathlib import Path

from freshsales_fake import FakeFreshsales
from freshsales_harness import run


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
    assert ada["sales_account_id"] == int(account_id) or ada["sales_account_id"] == str(account_id)
    assert ada["owner_id"] == "70000000002"
    task = next(iter(fake.records["tasks"].values()))
    lead_id = next(iter(fake.records["leads"]))
    assert task["targetable_type"] == "Lead"
    assert str(task["targetable_id"]) == str(lead_id)
