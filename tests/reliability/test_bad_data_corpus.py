"""The bad-data corpus through the real pipeline into Freshsales and Salesforce (docs/bad-data.md).

One clinic carries every class of clinic_sandbox.clinic.corpus; bad_data_pipeline migrates it into
both CRM simulators once for the session. Each test takes one class and checks what the
documented decision says: what each CRM holds for the class's records, and the audit model (the
report's "Data quality" table) or the reconciliation row that makes the class visible. Records are
found by their Cliniko id; no test prints a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from bad_data_pipeline import CRMS, CorpusRun, corpus_run
from clinic_sandbox.clinic.generator import DB_NAME
from clinic_sandbox.store import ClinicStore
from e2e_checks import assert_invariant, run_counts

pytestmark = pytest.mark.slow

# The only rejects of the corpus run: practitioners who are Freshsales users are those users.
CRM_USER = "not written: this person is a CRM user (owner email matches)"
# Salesforce's field limits as the publish models cut them (target-salesforce's object specs).
SF_LIMITS = {"FirstName": 40, "LastName": 80, "MailingStreet": 255, "Description": 32000}
FS_LIMITS = {"first_name": 255, "last_name": 255, "job_title": 255}
FS_TEXT_AREA = 32768
# Data-quality checks added for the corpus classes (audit__summary, the report's table).
CHECKS = {
    "patients_invalid_email": "invalid_email",
    "patients_probable_duplicates": "duplicate_email",
    "patients_malformed_phone": "malformed_phone",
    "patients_missing_name": "missing_name",
    "patients_unusable_birth_date": "impossible_date",
    "patients_markup_in_notes": "html_in_notes",
    "invoices_zero_or_negative": "zero_and_negative_amounts",
    "appointments_missing_patient": "orphan_reference",
}


@pytest.fixture(scope="module")
def run() -> CorpusRun:
    return corpus_run()


@pytest.fixture(scope="module")
def source(run: CorpusRun) -> Iterator[ClinicStore]:
    """The clinic's own records (what Cliniko holds), read from the sandbox's file."""
    store = ClinicStore(run.cliniko.data_dir / DB_NAME)
    yield store
    store.close()


def fs_person(run: CorpusRun, patient_id: str) -> dict[str, Any] | None:
    """The Freshsales contact or lead of a patient, or None."""
    found = [
        record
        for obj in ("contacts", "leads")
        for record in run.sim("freshsales").records(obj)
        if record["custom_field"].get("cf_cliniko_id") == f"patient:{patient_id}"
    ]
    assert len(found) <= 1, "a patient is one Freshsales person"
    return found[0] if found else None


def sf_record(run: CorpusRun, sobject: str, source_id: str) -> dict[str, Any] | None:
    found = [r for r in run.sim("salesforce").records(sobject) if r["Cliniko_Id__c"] == source_id]
    assert len(found) <= 1, "a Cliniko record is one Salesforce record"
    return found[0] if found else None


def both(run: CorpusRun, patient_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The patient as each CRM holds it (both must hold it)."""
    person, contact = fs_person(run, patient_id), sf_record(run, "Contact", f"patient:{patient_id}")
    assert person is not None, "not in Freshsales"
    assert contact is not None, "not in Salesforce"
    return person, contact


def audit_ids(run: CorpusRun, model: str, column: str = "patient_id") -> set[str]:
    return {row[0] for row in run.query(f"select {column} from audit.{model}")}  # noqa: S608


def test_every_run_succeeds_and_balances(run: CorpusRun) -> None:
    """received = created + updated + unchanged + rejected for every object of both CRMs."""
    for crm in CRMS:
        assert run.results[crm].returncode == 0, crm
        last, audit = run.last_run(crm)
        assert last["status"] == "succeeded", crm
        assert_invariant(last)
        assert all(c["received"] > 0 for c in run_counts(last).values()), crm
        reasons = {a["error"] for a in audit if a["outcome"] == "rejected"}
        assert reasons <= {CRM_USER}, (crm, reasons)


def test_invalid_email_migrates_the_patient_without_it(run: CorpusRun) -> None:
    ids = run.ids("invalid_email")
    for patient_id in ids:
        person, contact = both(run, patient_id)
        assert person["email"] is None
        assert contact["Email"] is None
    assert set(ids) <= audit_ids(run, "audit__patients_invalid_email")


def test_duplicate_email_keeps_both_patients_and_lists_the_pair(run: CorpusRun) -> None:
    first, second = run.ids("duplicate_email")
    emails = set()
    for patient_id in (first, second):
        person, contact = both(run, patient_id)
        emails |= {person["email"], contact["Email"]}
    assert len(emails) == 1, "one address, case and blanks normalised"
    pairs = run.query(
        "select patient_id, duplicate_patient_id, match_rule"
        " from audit.audit__patients_probable_duplicates"
    )
    assert (first, second, "email") in pairs


def test_malformed_phone_migrates_as_typed_and_is_listed(run: CorpusRun, source: Any) -> None:
    ids = run.ids("malformed_phone")
    for patient_id in ids:
        typed = source.get("patients", int(patient_id))["patient_phone_numbers"][0]["number"]
        person, contact = both(run, patient_id)
        assert person["mobile_number"] == typed
        assert contact["MobilePhone"] == typed
    assert set(ids) <= audit_ids(run, "audit__patients_malformed_phone")


def test_missing_names_migrate_with_salesforce_placeholder(run: CorpusRun) -> None:
    no_last, nameless = run.ids("missing_name")
    person, contact = both(run, no_last)
    assert person["last_name"] is None
    assert contact["LastName"] == contact["FirstName"]  # the full name stands in
    person, contact = both(run, nameless)
    assert person["first_name"] is None and person["last_name"] is None
    assert contact["LastName"] == "Unknown"
    assert {no_last, nameless} <= audit_ids(run, "audit__patients_missing_name")


@pytest.mark.parametrize(
    ("corpus_class", "problem"),
    [("impossible_date", "not_a_date"), ("future_birth_date", "in_the_future")],
)
def test_unusable_birth_date_is_left_out_and_listed(
    run: CorpusRun, corpus_class: str, problem: str
) -> None:
    (patient_id,) = run.ids(corpus_class)
    person, contact = both(run, patient_id)
    assert person["custom_field"]["cf_date_of_birth"] is None
    assert contact["Birthdate"] is None
    rows = run.query("select patient_id, problem from audit.audit__patients_unusable_birth_date")
    assert (patient_id, problem) in rows


def test_empty_date_strings_read_as_no_date(run: CorpusRun) -> None:
    (patient_id,) = run.ids("empty_date")
    person, contact = both(run, patient_id)
    assert person["custom_field"]["cf_date_of_birth"] is None
    assert contact["Birthdate"] is None
    # An empty archived_at is not a date either: the patient is not archived.
    assert contact["Patient_Status__c"] == "Active"
    assert person["custom_field"]["cf_patient_status"] != "archived"
    # Nothing was given, so nothing is unusable: empty is absent, not an error.
    assert patient_id not in audit_ids(run, "audit__patients_unusable_birth_date")


def test_unicode_emoji_and_right_to_left_text_arrive_unchanged(run: CorpusRun, source: Any) -> None:
    for patient_id in run.ids("unicode_text"):
        cliniko = source.get("patients", int(patient_id))
        person, contact = both(run, patient_id)
        assert (person["first_name"], person["last_name"]) == (
            cliniko["first_name"],
            cliniko["last_name"],
        )
        assert (contact["FirstName"], contact["LastName"]) == (
            cliniko["first_name"],
            cliniko["last_name"],
        )
        if cliniko.get("notes"):
            assert person["custom_field"]["cf_notes"] == cliniko["notes"]
            assert contact["Description"] == cliniko["notes"]
    # The emoji of a preferred name survives staging (it has no CRM field of its own).
    emoji_patient = run.ids("unicode_text")[1]
    staged = run.query(
        "select preferred_first_name from staging.staging.stg_cliniko__patients"
        " where patient_id = ?",
        [emoji_patient],
    )
    assert staged == [(source.get("patients", int(emoji_patient))["preferred_first_name"],)]


def test_html_in_patient_notes_migrates_as_text_and_is_listed(run: CorpusRun, source: Any) -> None:
    (patient_id,) = run.ids("html_in_notes")
    typed = source.get("patients", int(patient_id))["notes"]
    person, contact = both(run, patient_id)
    assert person["custom_field"]["cf_notes"] == typed
    assert contact["Description"] == typed
    rows = run.query("select patient_id, has_script_tag from audit.audit__patients_markup_in_notes")
    assert (patient_id, True) in rows


def test_html_in_treatment_notes_becomes_text_without_scripts(run: CorpusRun) -> None:
    (note_id,) = run.ids("html_in_treatment_notes")
    ((body,),) = run.query(
        "select body_text from intermediate.int_treatment_notes__rendered"
        " where treatment_note_id = ?",
        [note_id],
    )
    assert "Knee pain" in body and "after running" in body
    assert "<" not in body and "alert(" not in body
    ((content,),) = run.query(
        'select "Content" from publish_salesforce.salesforce__contentnote where _source_id = ?',
        [f"treatment_note:{note_id}"],
    )
    assert body in content and "<script" not in content
    # In Freshsales the note lands in a note or its patient's cf_treatment_notes: as text too.
    texts = [
        json.dumps(r)
        for obj in ("contacts", "leads", "notes")
        for r in run.sim("freshsales").records(obj)
    ]
    landed = [t for t in texts if "after running" in t]
    assert landed and not any("<script" in t for t in landed)


def test_text_over_limits_is_cut_to_each_field(run: CorpusRun) -> None:
    (patient_id,) = run.ids("text_over_limits")
    person, contact = both(run, patient_id)
    for field, limit in FS_LIMITS.items():
        assert len(person[field]) == limit, field
    assert len(person["custom_field"]["cf_notes"]) == FS_TEXT_AREA
    for field, limit in SF_LIMITS.items():
        assert len(contact[field]) == limit, field


def test_zero_and_negative_amounts_migrate_as_they_are(run: CorpusRun) -> None:
    zero, negative = run.ids("zero_and_negative_amounts")
    deals = {
        r["custom_field"]["cf_cliniko_id"]: r["amount"]
        for r in run.sim("freshsales").records("deals")
    }
    assert (deals[f"invoice:{zero}"], deals[f"invoice:{negative}"]) == (0, -50)
    for invoice_id, amount in ((zero, 0), (negative, -50)):
        invoice = sf_record(run, "Invoice__c", f"invoice:{invoice_id}")
        assert invoice is not None and invoice["Total_Amount__c"] == amount
    rows = run.query("select invoice_id, amount_sign from audit.audit__invoices_zero_or_negative")
    assert {(zero, "zero"), (negative, "negative")} <= set(rows)


def test_orphan_appointment_is_listed_and_never_linked_to_a_patient(run: CorpusRun) -> None:
    (appointment_id,) = run.ids("orphan_reference")
    key = f"individual_appointment:{appointment_id}"
    assert key in audit_ids(run, "audit__appointments_missing_patient", "appointment_key")
    # Freshsales: an appointment needs its person; the reconciliation says why it stays out.
    held = [
        r["custom_field"].get("cf_cliniko_id")
        for r in run.sim("freshsales").records("appointments")
    ]
    assert key not in held
    reasons = run.query(
        "select reason, record_count from audit.audit__freshsales_reconciliation"
        " where cliniko_entity = 'appointments' and destination = 'excluded'"
    )
    assert ("patient not extracted from Cliniko", 1) in reasons
    # Salesforce keeps the booking on the calendar, with no Contact.
    appointment = sf_record(run, "Appointment__c", key)
    assert appointment is not None and appointment["Contact__c"] is None


def test_oversized_attachment_is_not_sent_and_is_listed(run: CorpusRun) -> None:
    (attachment_id,) = run.ids("oversized_attachment")
    assert attachment_id in audit_ids(
        run, "freshsales__attachments_too_large", "patient_attachment_id"
    )
    for crm, table in (
        ("freshsales", "freshsales__documents"),
        ("salesforce", "salesforce__contentversion"),
    ):
        published = run.query(f"select _source_id from publish_{crm}.{table}")  # noqa: S608
        assert (f"patient_attachment:{attachment_id}",) not in published, crm
        rows = run.query(
            f"select reason from audit.audit__{crm}_reconciliation"  # noqa: S608
            " where cliniko_entity = 'attachments' and destination = 'not_migrated'"
        )
        assert rows and all("larger than" in reason for (reason,) in rows), crm


def test_merged_patient_is_left_out_and_its_survivor_migrates(run: CorpusRun) -> None:
    survivor, merged = run.ids("merged_patient")
    both(run, survivor)
    assert fs_person(run, merged) is None
    assert sf_record(run, "Contact", f"patient:{merged}") is None
    for crm in CRMS:
        reasons = run.query(
            f"select reason from audit.audit__{crm}_reconciliation"  # noqa: S608
            " where cliniko_entity = 'patients' and destination = 'excluded'"
        )
        assert ("patient merged into another patient",) in reasons, crm


def test_the_report_shows_every_class(run: CorpusRun) -> None:
    """`crmsync report`: each class's check with its failing rows, and the reject reasons."""
    for crm in CRMS:
        done = run.crmsync(crm, "report", "--inventory", str(run.work / "inventory.json"))
        assert done.returncode == 0, done.stderr[-2000:]
        document = json.loads((run.work / "reports" / f"{crm}-report.json").read_text())
        quality = {r["check_name"]: r["failing_rows"] for r in document["quality"]}
        html = (run.work / "reports" / f"{crm}-report.html").read_text()
        for check, corpus_class in CHECKS.items():
            assert quality[check] >= len(run.ids(corpus_class)), (crm, check)
            assert check in html, (crm, check)
        # Records left out by a rule: the reconciliation table says why, for each CRM.
        reasons = {r["reason"] for r in document["cliniko"] if r["reason"]}
        assert "patient merged into another patient" in reasons, crm
        assert any(reason.startswith("larger than") for reason in reasons), crm
        rejects = {r["reason"] for r in document["rejects"]}
        assert rejects == ({CRM_USER} if crm == "freshsales" else set()), crm
        # No value of a record reaches the report: the corpus's script tag is never in it.
        assert "<script>alert" not in html
