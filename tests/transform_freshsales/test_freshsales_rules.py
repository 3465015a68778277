"""The Freshsales mapping rules on the test clinic: split, owners, overflow, outcomes, sample."""

from __future__ import annotations

from typing import Any

from target_freshsales.objects import OBJECTS

from .conftest import FreshsalesBuild
from .freshsales_clinic import FIRST_LONG_NOTE, HUGE_NOTE, MEDICAL_HISTORY, SECOND_LONG_NOTE

SPECS = {spec.stream: spec for spec in OBJECTS}
OVERFLOW_TITLE = "Medical History (partial — full record in source)"


def test_patients_with_a_booking_are_contacts_the_others_leads(
    freshsales_build: FreshsalesBuild,
) -> None:
    contacts, leads = freshsales_build.stream("contacts"), freshsales_build.stream("leads")
    assert {"patient:9101", "patient:9103", "patient:9201"} <= set(contacts)
    assert {"patient:9102", "patient:9202"} <= set(leads)
    assert not set(contacts) & set(leads)
    assert "patient:9104" not in contacts | leads  # deleted
    assert "patient:9106" not in contacts | leads  # merged away
    assert contacts["patient:9101"]["cf_patient_status"] == "active"
    assert contacts["patient:9101"]["lifecycle_stage_id"] == 3  # Customer (seed)
    assert leads["patient:9202"]["cf_patient_status"] == "prospect"
    assert contacts["patient:9101"]["cf_cliniko_id"] == "patient:9101"
    assert contacts["patient:9101"]["cf_cliniko_patient_id"] == "9101"


def test_practitioners_are_contacts_owned_by_their_own_email(
    freshsales_build: FreshsalesBuild,
) -> None:
    contacts = freshsales_build.stream("contacts")
    ann = contacts["practitioner:931"]
    assert ann["cf_practitioner_role"] == "Treating Practitioner"
    assert ann["_owner_email"] == ann["email"] == "ann@clinic.example"
    assert ann["_ref__sales_account_id"] == "business:911"
    assert SPECS["contacts"].write_only_if_owner_unmatched == ("practitioner:",)
    # Patients are owned by the practitioner they see most.
    assert contacts["patient:9101"]["_owner_email"] == "ann@clinic.example"


def test_insurance_and_referral_picklists(freshsales_build: FreshsalesBuild) -> None:
    contacts, leads = freshsales_build.stream("contacts"), freshsales_build.stream("leads")
    assert contacts["patient:9201"]["cf_insurance_status"] == "expired"  # " Lapsed " (seed)
    assert contacts["patient:9101"]["cf_insurance_carrier"] == "Best Cover"
    assert contacts["patient:9101"]["cf_referral_source"] == "Doctor"
    assert leads["patient:9202"]["cf_referral_source"] == "Hospital"
    assert leads["patient:9202"]["cf_referral_detail"] == "Hospital: Ward Nurse"


def test_clinics_and_referring_companies_are_accounts(freshsales_build: FreshsalesBuild) -> None:
    accounts = freshsales_build.stream("sales_accounts")
    assert accounts["business:911"]["cf_account_type"] == "Clinic"
    assert accounts["business:911"]["cf_location_id"] == "911"
    bayside = accounts["referrer_company:bayside medical"]
    assert (bayside["name"], bayside["cf_account_type"]) == ("Bayside Medical", "Referrer")
    assert "referrer_company:st mary hospital" in accounts
    contacts = freshsales_build.stream("contacts")
    # Referred by a company: linked to its account (the seed's rule); otherwise the clinic.
    assert contacts["patient:9101"]["_ref__sales_account_id"] == "referrer_company:bayside medical"
    assert contacts["patient:9103"]["_ref__sales_account_id"] == "business:911"


def test_medical_history_overflow_becomes_a_titled_note(freshsales_build: FreshsalesBuild) -> None:
    contact = freshsales_build.stream("contacts")["patient:9201"]
    notes = freshsales_build.stream("notes")
    overflow = notes["patient:9201:medical_history_overflow"]
    field = contact["cf_medical_history"]
    assert len(field) == 32_768
    heading = OVERFLOW_TITLE + "\n\n"
    assert overflow["description"].startswith(heading)
    assert field + overflow["description"][len(heading) :] == MEDICAL_HISTORY.strip()
    assert overflow["_ref__targetable_id"] == "patient:9201"


def test_long_treatment_notes_fill_the_field_in_date_order_the_rest_are_notes(
    freshsales_build: FreshsalesBuild,
) -> None:
    field = freshsales_build.stream("contacts")["patient:9201"]["cf_treatment_notes"]
    notes = freshsales_build.stream("notes")
    assert field.startswith("2024-01-01 — Review\nS\nQ: ")
    assert FIRST_LONG_NOTE in field
    assert SECOND_LONG_NOTE not in field and len(field) <= 32_768
    assert SECOND_LONG_NOTE in notes["treatment_note:9262"]["description"]
    assert "Q: fine" in notes["treatment_note:9264"]["description"]  # short: a note
    assert "treatment_note:9261" not in notes
    first, second = notes["treatment_note:9263"], notes["treatment_note:9263:part2"]
    assert first["description"].startswith("(part 1 of 2)")
    assert all(len(note["description"]) <= 65_535 for note in notes.values())
    assert HUGE_NOTE.count("c") == (
        first["description"].count("c") + second["description"].count("c")
    )


def test_past_bookings_are_tasks_with_outcomes_future_ones_appointments(
    freshsales_build: FreshsalesBuild,
) -> None:
    tasks, appointments = freshsales_build.stream("tasks"), freshsales_build.stream("appointments")
    outcome = {key: (row["status"], row["cf_outcome"]) for key, row in tasks.items()}
    assert outcome["individual_appointment:981"] == (1, "Completed")
    assert outcome["individual_appointment:983"] == (0, "Cancelled")
    assert outcome["individual_appointment:984"] == (0, "Did not arrive")
    assert tasks["individual_appointment:983"]["cf_cancellation_reason"] == "Sick"
    assert tasks["individual_appointment:981"]["cf_duration_minutes"] == 60
    assert "individual_appointment:985" not in tasks  # its patient was never extracted
    assert set(appointments) == {"individual_appointment:982"}
    future = appointments["individual_appointment:982"]
    assert (future["end_date"] - future["from_date"]).total_seconds() == 30 * 60
    assert future["_owner_email"] == "ann@clinic.example"


def test_invoices_are_deals_with_payment_status(freshsales_build: FreshsalesBuild) -> None:
    deals = freshsales_build.stream("deals")
    paid, overdue = deals["invoice:991"], deals["invoice:992"]
    assert (paid["cf_payment_status"], float(paid["amount"])) == ("paid", 110.0)
    assert paid["cf_line_items_summary"] == "1 x Initial consult @ 90.00; 2 x Foam roller @ 10.00"
    assert overdue["cf_payment_status"] == "overdue"
    # No business on the invoice: the patient's clinic.
    assert overdue["_ref__sales_account_id"] == "business:911"
    assert "invoice:994" not in deals  # deleted


def test_products_carry_price_and_source(freshsales_build: FreshsalesBuild) -> None:
    products = freshsales_build.stream("products")
    roller = products["product:942"]
    assert roller["product_pricings_attributes"] is not None
    assert "on 1 invoice(s)" in roller["cf_product_source"]
    assert "billable_item:941" in products
    assert not any(key.startswith("appointment_type:") for key in products)


def test_large_attachments_are_reported_not_sent(freshsales_build: FreshsalesBuild) -> None:
    documents = freshsales_build.stream("documents")
    assert "patient_attachment:9972" not in documents
    assert documents["patient_attachment:9973"]["_file_path"] == "attachments/9973/late.pdf"
    assert documents["patient_attachment:9971"]["_file_path"] is None  # not downloaded
    too_large = freshsales_build.rows("select * from audit.freshsales__attachments_too_large")
    assert [(r["patient_attachment_id"], r["limit_mb"]) for r in too_large] == [("9972", 25)]
    assert "filename" not in too_large[0]


def _dangling(rows: dict[str, dict[str, dict[str, Any]]]) -> list[tuple[str, str, str]]:
    """(stream, _source_id, field) of every reference naming no row of its candidate streams."""
    return [
        (stream, key, api_field)
        for stream, spec in SPECS.items()
        for api_field, candidates in spec.references.items()
        for key, row in rows[stream].items()
        if row[f"_ref__{api_field}"] is not None
        and not any(row[f"_ref__{api_field}"] in rows[c] for c in candidates)
    ]


def test_every_reference_names_a_published_record(freshsales_build: FreshsalesBuild) -> None:
    assert not _dangling({stream: freshsales_build.stream(stream) for stream in SPECS})


def test_the_sample_references_only_sampled_records(freshsales_build: FreshsalesBuild) -> None:
    sampled = {
        stream: {k: row for k, row in freshsales_build.stream(stream).items() if row["_in_sample"]}
        for stream in SPECS
    }
    assert sampled["contacts"] and sampled["tasks"] and sampled["sales_accounts"]
    assert not _dangling(sampled)
