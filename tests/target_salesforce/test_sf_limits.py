"""The org's allocation: slow down near it, stop at it, and a rerun continues without duplicates."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from crmsync.errors import FatalCrmError
from crmsync.testing import singer_messages
from sf_fake import FakeSalesforce
from sf_harness import clinic, config, last_report, run, target_class
from target_salesforce.objects import CONTACT
from target_salesforce.usage import parse

LIMIT = [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]


def limit_after(calls: int) -> Callable[[httpx.Request], httpx.Response | None]:
    """A hook answering 403 REQUEST_LIMIT_EXCEEDED from the `calls`+1-th API call on."""
    seen = [0]

    def hook(request: httpx.Request) -> httpx.Response | None:
        seen[0] += 1
        return httpx.Response(403, json=LIMIT) if seen[0] > calls else None

    return hook


def runs(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "sync" / "salesforce.sqlite") as db:
        return db.execute("SELECT status, counts FROM runs ORDER BY run_id").fetchall()


def test_limit_exceeded_ends_the_run_and_a_rerun_continues(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    hook = limit_after(4)  # users, account, appointment type, product; then the limit
    fake.before.append(hook)
    target = target_class(fake)(config=config(tmp_path), validate_config=True)
    with pytest.raises(FatalCrmError, match="resume the run later"):
        target.listen(io.StringIO(singer_messages(clinic(tmp_path))))
    limited = [p for m, p in fake.requests if "composite" in p][3:]
    assert len(limited) == 1  # one refused call, then the run stopped: no retry loop
    assert runs(tmp_path)[0][0] == "failed"
    assert len(fake.table("Account")) == 2 and not fake.table("Contact")

    fake.before.remove(hook)  # the allocation came back
    report = run(fake, tmp_path, clinic(tmp_path))
    assert report["status"] == "succeeded"
    assert report["objects"]["account"]["unchanged"] == 2
    assert report["objects"]["contact"]["created"] == 3
    for sobject in ("Account", "Contact", "Appointment__c", "ContentNote", "ContentVersion"):
        ids = [r.get("Cliniko_Id__c") or r.get("Title") for r in fake.table(sobject).values()]
        assert len(ids) == len(set(ids)), f"{sobject} duplicated"


def test_a_crash_after_the_write_is_settled_by_the_upsert_on_rerun(tmp_path: Path) -> None:
    fake = FakeSalesforce()

    def lose_contact_answers(request: httpx.Request) -> httpx.Response | None:
        if request.method == "PATCH" and request.url.path.endswith("/Contact/Cliniko_Id__c"):
            fake._route(request)  # applied in the org, the answer never arrives
            raise httpx.ReadTimeout("lost", request=request)
        return None

    fake.before.append(lose_contact_answers)
    first = run(fake, tmp_path, clinic(tmp_path), max_attempts=2)
    assert first["objects"]["contact"]["rejected"] == 3
    fake.before.clear()
    second = run(fake, tmp_path, clinic(tmp_path))
    assert second["objects"]["contact"]["created"] + second["objects"]["contact"]["updated"] == 3
    assert len(fake.table("Contact")) == 3  # upsert on Cliniko_Id__c: nothing twice
    assert second["objects"]["appointment__c"]["created"] == 1


def test_near_the_allocation_calls_are_spaced_out(tmp_path: Path) -> None:
    fake = FakeSalesforce(api_used=850, api_limit=1000)
    sleeps: list[float] = []
    client = target_class(fake, sleeps).connect(config(tmp_path))
    client.preflight()
    client.count(CONTACT)
    client.count(CONTACT)
    assert len(sleeps) == 2 and all(1.0 <= s <= 30.0 for s in sleeps)


def test_the_run_stops_before_taking_the_orgs_last_calls(tmp_path: Path) -> None:
    fake = FakeSalesforce(api_used=949, api_limit=1000)
    client = target_class(fake).connect(config(tmp_path))
    client.preflight()  # 950/1000 now
    before = len(fake.requests)
    with pytest.raises(FatalCrmError, match="95% of its 24-hour API allocation"):
        client.count(CONTACT)
    assert len(fake.requests) == before  # nothing was sent


def test_limit_header() -> None:
    assert parse("api-usage=18/15000") == (18, 15000)
    assert parse("per-app-api-usage=1/2; api-usage=5/10") == (5, 10)
    assert parse(None) is None and parse("api-usage=1/0") is None


def test_the_failed_run_is_reported(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    fake.before.append(limit_after(1))
    target = target_class(fake)(config=config(tmp_path), validate_config=True)
    with pytest.raises(FatalCrmError):
        target.listen(io.StringIO(singer_messages(clinic(tmp_path))))
    report = last_report(tmp_path)
    assert report["status"] == "failed" and "REQUEST_LIMIT_EXCEEDED" in str(report.get("error"))
