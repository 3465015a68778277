"""The first migration end to end: Cliniko sandbox → staging → dbt → Freshsales simulator.

One clinic and one Freshsales for the module; the tests run in file order and each starts from
what the one before left (a full run, a run with no change, an edit, a reject), as the clinic's
hourly delta would. The crash test replays the last run's Singer file into a second, empty
simulator so that it has writes to interrupt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_checks import (
    CLINIKO_ENTITIES,
    assert_invariant,
    kill_after,
    reconcile,
    rerun_after_crash,
    run_counts,
    write_calls,
)
from e2e_pipeline import FreshsalesPipeline as Pipeline
from target_freshsales.target import TargetFreshsales

sandbox_testing = pytest.importorskip(
    "clinic_sandbox.testing", reason="the sandbox is not installed"
)
freshsales_testing = pytest.importorskip("clinic_sandbox.freshsales.testing")
from clinic_sandbox.clinic.generator import DB_NAME  # noqa: E402 (after the skip)
from clinic_sandbox.store import ClinicStore  # noqa: E402

pytestmark = pytest.mark.slow

PATIENTS = 30
PERSONS = ("contacts", "leads")
# Freshsales objects with custom fields: each record carries its `_source_id` in cf_cliniko_id.
WITH_CLINIKO_ID = tuple(s.stream for s in TargetFreshsales.objects if s.external_id)
# The only rejects a clean run may have: a practitioner who is a Freshsales user is that user.
EXPECTED_REJECT = "not written: this person is a CRM user"


def cliniko_ids(sim: Any, obj: str) -> list[str]:
    """cf_cliniko_id of every record the simulator holds for an object (duplicates kept)."""
    return [r["custom_field"]["cf_cliniko_id"] for r in sim.records(obj)]


def simulator(cliniko: Any) -> Any:
    """A Freshsales whose users are the clinic's practitioners, limits lifted, jobs instant."""
    return freshsales_testing.running_simulator(
        users=cliniko.crm_user_emails(),
        with_custom_fields=True,
        job_delay=0,
        hourly_limit=1_000_000,
        minute_limit=100_000,
    )


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The clinic, Freshsales and the first full migration between them."""
    clinic = sandbox_testing.cliniko_sandbox(patients=PATIENTS, seed=5, rate_limit=100_000)
    # The simulator's users come from the clinic, so it starts once the clinic exists.
    with clinic as cliniko, simulator(cliniko) as freshsales:
        migration = Pipeline(tmp_path_factory.mktemp("migrate"), cliniko, freshsales)
        first = migration.run(select=None)  # the whole project, every test
        assert first.returncode == 0, first.stderr.decode()[-3000:]
        yield migration


def test_full_run_puts_every_published_record_in_freshsales(pipeline: Pipeline) -> None:
    sim = pipeline.freshsales
    run, audit = pipeline.last_run()
    assert run["status"] == "succeeded"
    assert_invariant(run)
    rejected = {
        (a["object"], a["source_id"]): a["error"] for a in audit if a["outcome"] == "rejected"
    }
    assert all(EXPECTED_REJECT in reason for reason in rejected.values()), set(rejected.values())
    assert {obj for obj, _ in rejected} <= {"contacts"}
    for obj in (*WITH_CLINIKO_ID, "notes", "documents"):
        published = pipeline.published(obj)
        refused = {sid for (o, sid) in rejected if o == obj}
        assert len(sim.records(obj)) == len(published - refused), obj
        if obj in WITH_CLINIKO_ID:
            assert sorted(cliniko_ids(sim, obj)) == sorted(published - refused), obj
    # Attachments were downloaded, so every document carries its file.
    assert len(pipeline.published("documents")) > 0


def test_children_carry_their_parents_crm_ids(pipeline: Pipeline) -> None:
    sim = pipeline.freshsales
    store = pipeline.store()
    try:

        def crm_id(objects: tuple[str, ...], source_id: str) -> tuple[str, str]:
            found = store.find_crm_id(objects, source_id)
            assert found is not None, source_id
            return found

        tasks = dict(
            pipeline.query(
                "select _source_id, _ref__targetable_id from publish_freshsales.freshsales__tasks"
            )
        )
        for task in sim.records("tasks"):
            obj, parent = crm_id(PERSONS, tasks[task["custom_field"]["cf_cliniko_id"]])
            assert str(task["targetable_id"]) == parent
            assert task["targetable_type"] == {"contacts": "Contact", "leads": "Lead"}[obj]
        deals = {
            sid: (account, contact)
            for sid, account, contact in pipeline.query(
                "select _source_id, _ref__sales_account_id, _ref__contact_id "
                "from publish_freshsales.freshsales__deals"
            )
        }
        linked = 0
        for deal in sim.records("deals"):
            account, contact = deals[deal["custom_field"]["cf_cliniko_id"]]
            assert str(deal["sales_account_id"]) == crm_id(("sales_accounts",), account)[1]
            found = store.find_crm_id(("contacts",), contact) if contact else None
            if found:  # only a contact can be added to a deal; a lead's deal keeps its account
                linked += 1
                added = deal.get("contacts_added_list") or []
                assert found[1] in {str(c["id"] if isinstance(c, dict) else c) for c in added}
        assert tasks and deals and linked
    finally:
        store.close()


def test_reconciliation_accounts_for_every_cliniko_record(pipeline: Pipeline) -> None:
    code, document = reconcile(pipeline)
    entities = {e["entity"]: e for e in document["cliniko"]}
    assert set(entities) == CLINIKO_ENTITIES
    generated = pipeline.cliniko.counts
    # The Cliniko side is what the generator made, hidden rows (deleted, archived) included.
    assert entities["patients"]["cliniko_count"] == generated["patients"]["total"]
    assert entities["appointments"]["cliniko_count"] == (
        generated["individual_appointments"]["total"] + generated["attendees"]["total"]
    )
    for entity in entities.values():
        assert entity["ok"], entity
        assert sum(d["record_count"] for d in entity["destinations"]) == entity["cliniko_count"]
    persons = {d["destination"]: d["record_count"] for d in entities["patients"]["destinations"]}
    assert persons["contacts"] + persons["leads"] == len(
        {s for o in PERSONS for s in pipeline.published(o) if s.startswith("patient:")}
    )
    assert code == 0


def test_a_second_run_with_no_change_sends_nothing(pipeline: Pipeline) -> None:
    before = write_calls(pipeline.freshsales.stats())
    done = pipeline.run()
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert write_calls(pipeline.freshsales.stats()) - before == Counter()
    run, audit = pipeline.last_run()
    assert_invariant(run)
    outcomes = Counter((a["outcome"], a["error"] is not None) for a in audit)
    # Practitioners who are users are refused again (no call is spent on them).
    assert set(outcomes) <= {("unchanged", False), ("rejected", True)}
    for obj, counts in run_counts(run).items():
        assert counts["created"] == counts["updated"] == 0, obj


def test_ten_edited_patients_update_exactly_their_contacts_and_leads(pipeline: Pipeline) -> None:
    persons = sorted(s for o in PERSONS for s in pipeline.published(o) if s.startswith("patient:"))
    chosen = persons[:: max(1, len(persons) // 10)][:10]
    edited = pipeline.cliniko.mutate(
        "patients", "edit", ids=[s.removeprefix("patient:") for s in chosen]
    )
    assert len(edited) == 10
    done = pipeline.run()
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    run, audit = pipeline.last_run()
    assert_invariant(run)
    updates = {(a["object"], a["source_id"]) for a in audit if a["outcome"] == "updated"}
    # The sandbox edit changes the patient's notes, which only the person carries (cf_notes).
    # Tasks, appointments, notes and deals of the patient reference the person by its CRM id,
    # which an update keeps, and repeat no patient field: they stay unchanged. (A patient whose
    # notes crossed 32,768 characters would also gain an overflow note; these do not.)
    assert {sid for _, sid in updates} == {f"patient:{i}" for i in edited}
    assert {obj for obj, _ in updates} <= set(PERSONS)
    assert not [a for a in audit if a["outcome"] == "created"]
    others = Counter(a["outcome"] for a in audit if (a["object"], a["source_id"]) not in updates)
    assert set(others) <= {"unchanged", "rejected"}
    assert all(EXPECTED_REJECT in a["error"] for a in audit if a["outcome"] == "rejected")


def test_a_record_freshsales_rejects_is_audited_with_its_reason(pipeline: Pipeline) -> None:
    # A new patient with neither a last name nor an email: Freshsales needs one of them. The
    # sandbox creates the patient; the test then blanks the two fields in the clinic file.
    (new_id,) = pipeline.cliniko.mutate("patients", "create")
    clinic = ClinicStore(pipeline.cliniko.data_dir / DB_NAME)
    try:
        patient = clinic.get("patients", int(new_id))
        assert patient is not None
        clinic.replace("patients", {**patient, "last_name": None, "email": None})
    finally:
        clinic.close()
    done = pipeline.run()
    run, audit = pipeline.last_run()
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert run["status"] == "succeeded"
    assert_invariant(run)
    (row,) = [a for a in audit if a["source_id"] == f"patient:{new_id}"]
    assert row["outcome"] == "rejected" and row["http_status"] == 400
    assert "can't be blank" in row["error"]
    counts = run_counts(run)[row["object"]]
    assert counts["rejected"] == 1 and counts["received"] == counts["unchanged"] + 1
    code, document = reconcile(pipeline)
    patients = {e["entity"]: e for e in document["cliniko"]}["patients"]
    (side,) = [o for o in patients["crm"] if o["object"] == row["object"]]
    assert side["rejected"] == 1 and not side["ok"]
    assert code == 1  # a patient is not in Freshsales: the reconciliation does not add up


def test_a_killed_target_rerun_leaves_no_duplicate_and_no_gap(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    messages = pipeline.work / "publish.singer"
    with simulator(pipeline.cliniko) as fresh:
        crash = Pipeline(tmp_path, pipeline.cliniko, fresh)
        kill_after(crash, messages, writes=60)
        total = sum(len(fresh.records(o)) for o in (*WITH_CLINIKO_ID, "notes"))
        assert 0 < total < sum(len(pipeline.published(o)) for o in (*WITH_CLINIKO_ID, "notes"))
        _, audit = rerun_after_crash(crash, messages)
        rejected = {(a["object"], a["source_id"]) for a in audit if a["outcome"] == "rejected"}
        for obj in WITH_CLINIKO_ID:
            ids = cliniko_ids(fresh, obj)
            assert len(ids) == len(set(ids)), f"duplicates in {obj}"
            refused = {sid for (o, sid) in rejected if o == obj}
            assert set(ids) == pipeline.published(obj) - refused, obj
        notes = [n["description"] for n in fresh.records("notes")]
        assert len(notes) == len(set(notes)) == len(pipeline.published("notes"))
        documents = [d["name"] for d in fresh.records("documents")]
        assert len(documents) == len(pipeline.published("documents"))
