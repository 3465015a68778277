"""The migration end to end into Salesforce: Cliniko sandbox → staging → dbt → Salesforce simulator.

The same promises as tests/e2e/test_migrate_freshsales.py, on Salesforce's terms (upserts on
Cliniko_Id__c, lookups by the parent's external id, ContentNote and ContentVersion). One small
clinic and one org for the module; the tests run in file order and each starts from what the one
before left (a full run, a run with no change, a delta with ten edits and a patient the org refuses,
then the rollbacks), as the clinic's hourly delta would. The crash test replays the last run's
Singer file into a second, empty org so that it has writes to interrupt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
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
from e2e_pipeline import SalesforcePipeline
from target_salesforce.objects import OBJECTS

sandbox_testing = pytest.importorskip(
    "clinic_sandbox.testing", reason="the sandbox is not installed"
)
salesforce_testing = pytest.importorskip("clinic_sandbox.salesforce.testing")
faults = pytest.importorskip("clinic_sandbox.freshsales.faults")
from clinic_sandbox.clinic.generator import DB_NAME  # noqa: E402 (after the skip)
from clinic_sandbox.store import ClinicStore  # noqa: E402

pytestmark = pytest.mark.slow

PATIENTS = 20
SOBJECT = {spec.stream: str(spec.options["sobject"]) for spec in OBJECTS}
# Streams whose records carry their `_source_id` in Cliniko_Id__c (ContentNote takes no custom
# field: the id map alone knows which note is which).
WITH_CLINIKO_ID = tuple(spec.stream for spec in OBJECTS if spec.external_id)
# Salesforce sets these on every write; a restored record differs from its first state only there.
STAMPS = ("LastModifiedDate", "SystemModstamp", "LastModifiedById", "LastReferencedDate")


def held(sim: Any, stream: str) -> list[dict[str, Any]]:
    return sim.records(SOBJECT[stream])


def cliniko_ids(sim: Any, stream: str) -> list[str]:
    """Cliniko_Id__c of every record the org holds for a stream (duplicates kept)."""
    return [r["Cliniko_Id__c"] for r in held(sim, stream)]


def by_cliniko_id(sim: Any, stream: str) -> dict[str, dict[str, Any]]:
    return {r["Cliniko_Id__c"]: r for r in held(sim, stream)}


def snapshot(sim: Any) -> dict[str, list[dict[str, Any]]]:
    """Every migrated record without the stamps a write changes."""
    return {
        stream: [{k: v for k, v in r.items() if k not in STAMPS} for r in held(sim, stream)]
        for stream in SOBJECT
    }


def simulator(cliniko: Any, **fault_settings: Any) -> Any:
    """An org with the custom objects deployed, whose users are the clinic's practitioners."""
    return salesforce_testing.running_simulator(
        users=cliniko.crm_user_emails(),
        with_custom_objects=True,
        job_delay=0,
        faults=faults.FaultSettings(**fault_settings),
    )


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SalesforcePipeline]:
    """The clinic, the org and the first full migration between them."""
    clinic = sandbox_testing.cliniko_sandbox(patients=PATIENTS, seed=5, rate_limit=100_000)
    with clinic as cliniko, simulator(cliniko) as org:
        migration = SalesforcePipeline(tmp_path_factory.mktemp("migrate-sf"), cliniko, org)
        first = migration.run(select=migration.lineage(tests=True))  # every test of the lineage
        assert first.returncode == 0, first.stderr.decode()[-3000:]
        migration.first_state = snapshot(org)  # type: ignore[attr-defined]
        yield migration


def test_full_run_puts_every_published_record_in_salesforce(
    pipeline: SalesforcePipeline,
) -> None:
    sim = pipeline.salesforce
    run, audit = pipeline.last_run()
    assert run["status"] == "succeeded"
    assert_invariant(run)
    assert [(a["object"], a["error"]) for a in audit if a["outcome"] == "rejected"] == []
    for stream in WITH_CLINIKO_ID:
        assert sorted(cliniko_ids(sim, stream)) == sorted(pipeline.published(stream)), stream
    assert len(held(sim, "contentnote")) == len(pipeline.published("contentnote")) > 0
    assert len(pipeline.published("contentversion")) > 0  # files were downloaded and uploaded
    # A multi-location practice: its clinics hang under the practice's account.
    assert "account:practice" in pipeline.published("account")


def test_children_carry_their_parents_salesforce_ids(pipeline: SalesforcePipeline) -> None:
    sim = pipeline.salesforce
    ids = {stream: {k: r["Id"] for k, r in by_cliniko_id(sim, stream).items()} for stream in SOBJECT
           if stream in WITH_CLINIKO_ID}  # fmt: skip
    checked = Counter()
    for stream, parents in (
        ("account", {"ParentId": "account"}),
        ("contact", {"AccountId": "account"}),
        ("practitioner__c", {"Clinic_Account__c": "account"}),
        (
            "appointment__c",
            {
                "Contact__c": "contact",
                "Appointment_Type__c": "appointment_type__c",
                "Practitioner__c": "practitioner__c",
            },
        ),
        ("invoice__c", {"Contact__c": "contact", "Account__c": "account"}),
    ):
        columns = ", ".join(f'"_ref__{f}"' for f in parents)
        table = f'publish_salesforce."salesforce__{stream}"'
        published = {
            row[0]: dict(zip(parents, row[1:], strict=True))
            for row in pipeline.query(f"select _source_id, {columns} from {table}")  # noqa: S608
        }
        for cliniko_id, record in by_cliniko_id(sim, stream).items():
            for api_field, parent_stream in parents.items():
                parent = published[cliniko_id][api_field]
                assert record[api_field] == (ids[parent_stream][parent] if parent else None)
                checked[stream, api_field] += parent is not None
    assert all(checked.values()), checked
    # Notes and files are linked to the patient's Contact.
    store = pipeline.store()
    try:
        notes = dict(
            pipeline.query(
                'select _source_id, "_ref__LinkedEntityId" '
                "from publish_salesforce.salesforce__contentnote"
            )
        )
        links = {
            (r["ContentDocumentId"], r["LinkedEntityId"])
            for r in sim.records("ContentDocumentLink")
        }
        for source_id, patient in notes.items():
            note = store.lookup("contentnote", source_id)
            assert note is not None and (note.crm_id, ids["contact"][patient]) in links
    finally:
        store.close()


def test_reconciliation_accounts_for_every_cliniko_record(pipeline: SalesforcePipeline) -> None:
    code, document = reconcile(pipeline)
    entities = {e["entity"]: e for e in document["cliniko"]}
    assert set(entities) == CLINIKO_ENTITIES | {"appointment_types"}
    generated = pipeline.cliniko.counts
    # The Cliniko side is what the generator made, hidden rows (deleted, archived) included.
    assert entities["patients"]["cliniko_count"] == generated["patients"]["total"]
    for entity in entities.values():
        assert entity["ok"], entity
        assert sum(d["record_count"] for d in entity["destinations"]) == entity["cliniko_count"]
    contacts = {d["destination"]: d["record_count"] for d in entities["patients"]["destinations"]}
    assert contacts["contact"] == len(pipeline.published("contact"))
    objects = {o["object"]: o for o in document["objects"]}
    # SOQL COUNT() where Cliniko_Id__c != null: a ContentNote has no such field to count by.
    for stream in WITH_CLINIKO_ID:
        assert objects[stream]["crm_count"] == objects[stream]["id_map"], stream
    assert code == 0


def test_a_second_run_with_no_change_sends_nothing(pipeline: SalesforcePipeline) -> None:
    before = write_calls(pipeline.salesforce.stats())
    done = pipeline.run()
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert write_calls(pipeline.salesforce.stats()) - before == Counter()
    run, audit = pipeline.last_run()
    assert_invariant(run)
    assert {a["outcome"] for a in audit} == {"unchanged"}


def add_a_patient_salesforce_refuses(pipeline: SalesforcePipeline) -> str:
    """A new patient the org refuses for a reason the transform cannot know: the org's
    Contact.Title is shorter than the plan's 128 characters (it holds every occupation the
    clinic had so far), and the new patient's occupation is longer than that."""
    ((longest,),) = pipeline.query(
        'select coalesce(max(length("Title")), 1) from publish_salesforce.salesforce__contact'
    )
    assert longest < 128, "an occupation already fills the plan's length"
    store = pipeline.salesforce.store
    with store.lock:
        fields = store.objects["Contact"].fields
        fields["Title"] = replace(fields["Title"], length=longest)
    (new_id,) = pipeline.cliniko.mutate("patients", "create")
    clinic = ClinicStore(pipeline.cliniko.data_dir / DB_NAME)
    try:
        patient = clinic.get("patients", int(new_id))
        assert patient is not None
        occupation = ("Senior physiotherapy assistant " * 5)[: longest + 1]
        clinic.replace("patients", {**patient, "occupation": occupation})
    finally:
        clinic.close()
    return str(new_id)


def test_ten_edited_patients_update_exactly_their_contacts(pipeline: SalesforcePipeline) -> None:
    # One delta carries the edits and, for the next test, a patient the org refuses (a run
    # fewer: each run rebuilds the Salesforce lineage in dbt).
    patients = sorted(pipeline.published("contact"))
    chosen = patients[:: max(1, len(patients) // 10)][:10]
    edited = pipeline.cliniko.mutate(
        "patients", "edit", ids=[s.removeprefix("patient:") for s in chosen]
    )
    assert len(edited) == 10
    refused = add_a_patient_salesforce_refuses(pipeline)
    before = write_calls(pipeline.salesforce.stats())
    done = pipeline.run()
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    run, audit = pipeline.last_run()
    assert run["status"] == "succeeded"
    assert_invariant(run)
    # The sandbox edit changes the patient's notes (Contact.Description). Children reference the
    # Contact by its Cliniko_Id__c or Id, which an update keeps: they stay unchanged.
    updates = {(a["object"], a["source_id"]) for a in audit if a["outcome"] == "updated"}
    assert updates == {("contact", f"patient:{i}") for i in edited}
    others = {a["outcome"] for a in audit if a["source_id"] != f"patient:{refused}"}
    assert others == {"updated", "unchanged"}
    # One collections upsert carried the ten updates, another the new (refused) Contact.
    sent = write_calls(pipeline.salesforce.stats()) - before
    assert sent == Counter({"PATCH /composite/sobjects/{name}/{field}": 2}), sent
    pipeline.refused_patient = refused  # type: ignore[attr-defined]


def test_a_record_salesforce_rejects_is_audited_with_its_reason(
    pipeline: SalesforcePipeline,
) -> None:
    refused = pipeline.refused_patient  # type: ignore[attr-defined]
    run, audit = pipeline.last_run()
    (row,) = [a for a in audit if a["source_id"] == f"patient:{refused}"]
    assert row["object"] == "contact" and row["outcome"] == "rejected"
    assert "STRING_TOO_LONG" in row["error"]
    counts = run_counts(run)["contact"]
    assert counts["rejected"] == 1 and counts["reject_reasons"] == {row["error"]: 1}
    assert counts["received"] == counts["unchanged"] + counts["updated"] + 1
    code, document = reconcile(pipeline)
    patients = {e["entity"]: e for e in document["cliniko"]}["patients"]
    (side,) = [o for o in patients["crm"] if o["object"] == "contact"]
    assert side["rejected"] == 1 and not side["ok"]
    assert code == 1  # a patient is not in Salesforce: the reconciliation does not add up
    store = pipeline.salesforce.store
    with store.lock:
        fields = store.objects["Contact"].fields
        fields["Title"] = replace(fields["Title"], length=128)


def test_a_killed_target_rerun_leaves_no_duplicate_and_no_gap(
    pipeline: SalesforcePipeline, tmp_path: Path
) -> None:
    messages = pipeline.work / "publish.singer"
    # Each call takes a little while, so the kill lands mid-run.
    with simulator(pipeline.cliniko, latency_ms=25) as fresh:
        crash = SalesforcePipeline(tmp_path, pipeline.cliniko, fresh)
        kill_after(crash, messages, writes=8)
        total = sum(len(held(fresh, s)) for s in SOBJECT)
        assert 0 < total < sum(len(pipeline.published(s)) for s in SOBJECT)
        _, audit = rerun_after_crash(crash, messages)
        assert [a for a in audit if a["outcome"] == "rejected"] == []
        for stream in WITH_CLINIKO_ID:
            ids = cliniko_ids(fresh, stream)
            assert len(ids) == len(set(ids)), f"duplicates in {stream}"
            assert set(ids) == pipeline.published(stream), stream
        titles = [n["Title"] for n in held(fresh, "contentnote")]
        assert len(titles) == len(set(titles)) == len(pipeline.published("contentnote"))


def test_rollback_of_the_delta_restores_the_first_runs_state(
    pipeline: SalesforcePipeline,
) -> None:
    # Runs 1 and 2 are the full run and the run with no change; 3 edited ten patients (and
    # refused a new one).
    runs = {r["run_id"]: r for r in pipeline.store().runs()}
    assert run_counts(runs[3])["contact"]["updated"] == 10
    done = pipeline.crmsync("rollback", "3", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(pipeline.salesforce) == pipeline.first_state  # type: ignore[attr-defined]


def test_rollback_of_the_first_run_leaves_nothing_of_ours(pipeline: SalesforcePipeline) -> None:
    users = pipeline.salesforce.records("User")
    done = pipeline.crmsync("rollback", "1", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {s: len(held(pipeline.salesforce, s)) for s in SOBJECT} == dict.fromkeys(SOBJECT, 0)
    assert pipeline.salesforce.records("User") == users  # the org's own records stay
