"""Treatment notes travel 200 a call: a collections create of ContentNotes, then one of links."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
from crmsync.client import WriteItem
from sf_fake import FakeSalesforce
from sf_harness import Batches, clinic, config, run, target_class
from target_salesforce.objects import CONTENT_NOTE

PATIENTS = 3


def with_notes(tmp_path: Path, count: int, title: str | None = None) -> Batches:
    """The small clinic with `count` notes spread over its patients."""
    notes = [
        {
            "_source_id": f"treatment_note:{n}",
            "Title": title or f"Treatment note {n}",
            "Content": f"<p>Visit {n}</p>",
            "_ref__LinkedEntityId": f"patient:{n % PATIENTS}",
        }
        for n in range(count)
    ]
    return [(s, notes if s == "contentnote" else rows) for s, rows in clinic(tmp_path, PATIENTS)]


def collection_posts(fake: FakeSalesforce) -> list[str]:
    return [p for m, p in fake.requests if m == "POST" and p.endswith("/composite/sobjects")]


def audit_row(tmp_path: Path, source_id: str) -> tuple[str, str | None]:
    with sqlite3.connect(tmp_path / "sync" / "salesforce.sqlite") as db:
        rows = db.execute(
            "SELECT outcome, error FROM audit_log WHERE source_id = ? ORDER BY run_id, seq",
            (source_id,),
        ).fetchall()
    return rows[-1]


def note_of(fake: FakeSalesforce, link: dict[str, Any]) -> dict[str, Any]:
    return fake.table("ContentNote")[link["ContentDocumentId"]]


def contact_id(fake: FakeSalesforce, n: int) -> str:
    return str(fake.by_ext("Contact", f"patient:{n % PATIENTS}")["Id"])  # type: ignore[index]


def fail_collection_positions(fake: FakeSalesforce, sobject: str, positions: set[int]) -> None:
    """Collections creates of `sobject` refuse the records at `positions` (per-record errors)."""

    def hook(request: httpx.Request) -> httpx.Response | None:
        if request.method != "POST" or not request.url.path.endswith("/composite/sobjects"):
            return None
        records = json.loads(request.content)["records"]
        if records[0]["attributes"]["type"] != sobject:
            return None
        refused = {"errorCode": "INVALID_CROSS_REFERENCE_KEY", "message": "refused", "fields": []}
        answers = [
            {"success": False, "errors": [refused]} if i in positions else fake._create_one(r)
            for i, r in enumerate(records)
        ]
        return httpx.Response(200, json=answers)

    fake.before.append(hook)


def test_n_notes_cost_two_calls_per_200_and_a_rerun_writes_nothing(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    report = run(fake, tmp_path, with_notes(tmp_path, 450))
    assert report["objects"]["contentnote"]["created"] == 450
    assert len(collection_posts(fake)) == 6  # ceil(450 / 200) * 2: notes, then their links
    assert not any(p.endswith("/sobjects/ContentNote") for _, p in fake.requests)
    assert not any(p.endswith("/sobjects/ContentDocumentLink") for _, p in fake.requests)
    assert len(fake.table("ContentNote")) == 450 and len(fake.links) == 450
    for link in fake.links:  # each note is on its own patient
        n = int(note_of(fake, link)["Title"].rsplit(" ", 1)[1])
        assert link["LinkedEntityId"] == contact_id(fake, n)
    fake.requests.clear()
    again = run(fake, tmp_path, with_notes(tmp_path, 450))
    assert again["objects"]["contentnote"]["unchanged"] == 450
    assert not collection_posts(fake) and len(fake.table("ContentNote")) == 450


def test_calls_for_notes_is_what_the_writes_cost(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    client = target_class(fake).connect(config(tmp_path))
    assert [client.calls_for(CONTENT_NOTE, n) for n in (1, 200, 201, 450)] == [2, 2, 4, 6]
    assert client.items_per_call(CONTENT_NOTE, 450) == 200
    unlinked = [
        WriteItem(f"treatment_note:{n}", {"Title": f"T{n}", "Content": "x"}, "h")
        for n in range(201)
    ]
    results = client.create_batch(CONTENT_NOTE, unlinked)  # no contact: nothing to link
    assert all(r.ok for r in results) and len(collection_posts(fake)) == 2
    assert [r.crm_id for r in results] == list(fake.table("ContentNote"))  # in input order


def test_a_refused_note_is_rejected_in_its_place_and_the_rest_are_linked(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    fail_collection_positions(fake, "ContentNote", {2})
    report = run(fake, tmp_path, with_notes(tmp_path, 5))
    counts = report["objects"]["contentnote"]
    assert counts["created"] == 4 and counts["rejected"] == 1
    outcome, error = audit_row(tmp_path, "treatment_note:2")
    assert outcome == "rejected" and "INVALID_CROSS_REFERENCE_KEY" in str(error)
    assert audit_row(tmp_path, "treatment_note:3")[0] == "created"
    assert len(fake.links) == 4
    assert "Treatment note 2" not in {note_of(fake, lk)["Title"] for lk in fake.links}


def test_a_failed_link_is_counted_and_linked_next_run_without_a_second_note(
    tmp_path: Path,
) -> None:
    fake = FakeSalesforce()
    fail_collection_positions(fake, "ContentDocumentLink", {1})
    first = run(fake, tmp_path, with_notes(tmp_path, 4))
    counts = first["objects"]["contentnote"]
    assert counts["created"] == 3 and counts["rejected"] == 1 and first["pending_intents"] == 1
    outcome, error = audit_row(tmp_path, "treatment_note:1")
    assert outcome == "pending" and "not linked" in str(error)
    assert len(fake.table("ContentNote")) == 4 and len(fake.links) == 3
    fake.before.clear()
    second = run(fake, tmp_path, with_notes(tmp_path, 4))
    assert second["pending_intents"] == 0
    assert len(fake.table("ContentNote")) == 4  # linked and adopted, not created again
    (link,) = [lk for lk in fake.links if note_of(fake, lk)["Title"] == "Treatment note 1"]
    assert link["LinkedEntityId"] == contact_id(fake, 1)
    assert audit_row(tmp_path, "treatment_note:1")[0] in ("updated", "unchanged")


def test_notes_lost_in_a_crash_are_each_adopted_by_their_own_patient(tmp_path: Path) -> None:
    fake = FakeSalesforce()

    def lose_note_answers(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and request.url.path.endswith("/composite/sobjects"):
            fake._route(request)  # the notes exist in the org; the answer (and links) never came
            raise httpx.ReadTimeout("lost", request=request)
        return None

    fake.before.append(lose_note_answers)
    same_title = with_notes(tmp_path, 3, title="Treatment note 2024-03-01 10:00 UTC")
    first = run(fake, tmp_path, same_title)
    assert first["objects"]["contentnote"]["rejected"] == 3 and first["pending_intents"] == 3
    assert len(fake.table("ContentNote")) == 3 and not fake.links
    fake.before.clear()
    # Recovered in the other order, so the first unlinked note with the title is not its own.
    reordered = [(s, rows[::-1] if s == "contentnote" else rows) for s, rows in same_title]
    second = run(fake, tmp_path, reordered)
    assert second["pending_intents"] == 0 and len(fake.table("ContentNote")) == 3
    assert len(fake.links) == 3
    created = list(fake.table("ContentNote"))  # treatment_note:n was created n-th
    # The same title, yet each patient's own note was linked (its content matched), not the
    # first unlinked one (which the update would then overwrite with another patient's text).
    assert {lk["LinkedEntityId"]: lk["ContentDocumentId"] for lk in fake.links} == {
        contact_id(fake, n): created[n] for n in range(3)
    }
