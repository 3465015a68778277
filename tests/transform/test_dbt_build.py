"""dbt build over a small raw_cliniko file: all models and tests pass; the clinic graph is right."""

from __future__ import annotations

import pytest

from .conftest import SAMPLE_SIZE, DbtBuild


def scalar(build: DbtBuild, sql: str, *params: object) -> object:
    rows = build.query(sql, list(params))
    assert len(rows) == 1, rows
    return rows[0][0]


def test_every_model_seed_and_test_passes(dbt_build: DbtBuild) -> None:
    assert dbt_build.returncode == 0, dbt_build.output[-4000:]
    statuses = {r["unique_id"]: r["status"] for r in dbt_build.run_results["results"]}
    failed = {
        node: status for node, status in statuses.items() if status not in {"success", "pass"}
    }
    assert not failed
    kinds = {node.split(".")[0] for node in statuses}
    assert kinds == {"model", "seed", "test", "unit_test"}
    assert sum(node.startswith("model.") for node in statuses) >= 38 + 14 + 6


def test_no_deprecation_warnings(dbt_build: DbtBuild) -> None:
    assert "deprecat" not in dbt_build.output.lower()
    assert "[WARNING]" not in dbt_build.output


def test_files_dbt_creates_are_private(dbt_build: DbtBuild) -> None:
    # The private_files plugin sets umask 077 before DuckDB opens the file (WAL, spill files).
    results = dbt_build.database.parent / "target" / "run_results.json"
    assert results.stat().st_mode & 0o077 == 0


def test_schemas_are_named_exactly(dbt_build: DbtBuild) -> None:
    schemas = {row[0] for row in dbt_build.query("select schema_name from duckdb_schemas()")}
    assert {"raw_cliniko", "staging", "intermediate", "audit", "seeds"} <= schemas
    assert not any(schema.startswith("main_") for schema in schemas)


def test_staging_keeps_the_latest_version_of_each_record(dbt_build: DbtBuild) -> None:
    assert (
        scalar(
            dbt_build,
            "select first_name from stg_cliniko__patients where patient_id = '9105'",
        )
        == "New"
    )
    assert (
        scalar(
            dbt_build,
            "select count(*) from stg_cliniko__patients where patient_id = '9105'",
        )
        == 1
    )


def test_absent_streams_and_columns_read_as_empty(dbt_build: DbtBuild) -> None:
    assert scalar(dbt_build, "select count(*) from stg_cliniko__relationships") == 0
    assert scalar(dbt_build, "select count(*) from stg_cliniko__concession_prices") == 0
    assert (
        scalar(
            dbt_build,
            "select stock_level from stg_cliniko__products where product_id = '942'",
        )
        is None
    )


def test_patients_exclude_deleted_and_merged(dbt_build: DbtBuild) -> None:
    ids = {
        row[0]
        for row in dbt_build.query(
            "select patient_id from int_patients__joined where patient_id like '9%'"
        )
    }
    assert ids == {"9101", "9102", "9103", "9105"}


def test_patient_business_comes_from_bookings_else_the_account_default(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select patient_id, business_id, business_source from int_patients__joined"
        " where patient_id in ('9101', '9102', '9103')"
    )
    # 9101 has two bookings at 912 and two at 911, but both at 911 were cancelled.
    assert rows["9101"] == ("912", "appointments")
    referral = dbt_build.query(
        "select epc_expiry, referral_case_type, referral_case_max_sessions"
        " from int_patients__joined where patient_id = '9101'"
    )
    assert referral == [("2025-01-10", "medicare", 5)]
    owner = "select primary_practitioner_email from int_patients__joined where patient_id = '9101'"
    assert scalar(dbt_build, owner) == "ann@clinic.example"
    assert rows["9103"] == ("911", "appointments")
    default_business = scalar(
        dbt_build,
        "select business_id from int_businesses__ranked where is_account_default",
    )
    assert rows["9102"] == (default_business, "account_default")


def test_patient_custom_fields_alerts_and_referral(dbt_build: DbtBuild) -> None:
    row = dbt_build.query(
        "select insurance_carrier, insurance_policy_number, health_fund, allergies, medical_alerts,"
        " referral_source, is_company_referrer, referring_doctor_name, email, mobile_phone,"
        " has_appointment, last_form_completed_at is not null"
        " from int_patients__joined where patient_id = '9101'"
    )[0]
    assert row == (
        "Best Cover",
        "POL-9",
        "Fund Co",
        "Penicillin ALLERGY",
        "Penicillin ALLERGY; Asthma",
        "Doctor: Darrell Bode",
        True,
        "Darrell Bode",
        "jane@example.com",
        "0400 000 001",
        True,
        True,
    )
    assert (
        scalar(
            dbt_build,
            "select has_appointment from int_patients__joined where patient_id = '9102'",
        )
        is False
    )
    assert (
        scalar(
            dbt_build,
            "select concession_type from int_patients__joined where patient_id = '9103'",
        )
        == "Pensioner"
    )


def test_appointments_are_unified_and_classified(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select appointment_key, appointment_status, cancellation_reason, duration_minutes,"
        " business_name from int_appointments__unified where source_record_id like '9%'"
    )
    assert rows == {
        "individual_appointment:981": ("completed", None, 60, "South Clinic"),
        "individual_appointment:982": ("future", None, 30, "South Clinic"),
        "individual_appointment:983": ("cancelled", "Sick", 30, "North Clinic"),
        "individual_appointment:984": ("did_not_arrive", None, 45, "North Clinic"),
        "individual_appointment:985": ("completed", None, 30, "North Clinic"),
        "attendee:988": ("completed", None, 60, "North Clinic"),
        "attendee:989": ("cancelled", "Feeling better", 60, "North Clinic"),
    }


def test_invoices_carry_payment_status_and_line_summary(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select invoice_id, payment_status, line_items_summary from int_invoices__classified"
        " where invoice_id like '9%'"
    )
    assert rows == {
        "991": ("paid", "1 x Initial consult @ 90.00; 2 x Foam roller @ 10.00"),
        "992": ("overdue", None),
        "993": ("open", None),
    }


def test_treatment_notes_render_to_plain_text(dbt_build: DbtBuild) -> None:
    body, length = dbt_build.query(
        "select body_text, body_length from int_treatment_notes__rendered"
        " where treatment_note_id = '9961'"
    )[0]
    assert body == "Subjective\nProgress: Better & stronger\nPain: 2/10"
    assert length == len(body)


def test_attachment_limits_per_destination(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select patient_attachment_id, size_bytes, exceeds_freshsales_limit,"
        " exceeds_pipedrive_limit from int_patient_attachments__sized"
        " where patient_attachment_id like '9%'"
    )
    assert rows == {
        "9971": (1000, False, False),
        "9972": (30 * 1024 * 1024, True, False),
        "9973": (2000, False, False),
    }


def test_products_and_services_unified(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select item_key, unit_price, times_invoiced, tax_name from int_products__unified"
        " where source_record_id like '9%'"
    )
    assert rows["product:942"][1] == 1
    assert rows["billable_item:941"][1:] == (1, "GST")
    assert float(rows["appointment_type:9401"][0]) == 90.0


def test_practitioners_joined_to_users_and_businesses(dbt_build: DbtBuild) -> None:
    rows = dbt_build.keyed(
        "select practitioner_id, email, primary_business_id, reference_numbers"
        " from int_practitioners__joined where practitioner_id like '9%'"
    )
    assert rows["931"] == ("ann@clinic.example", "911", None)
    assert rows["932"] == (None, "911", "Provider # 123AB (South Clinic)")
    assert rows["933"][1] == "912"


def test_audit_checks(dbt_build: DbtBuild) -> None:
    def ids(sql: str) -> set[tuple[object, ...]]:
        return {row for row in dbt_build.query(sql)}

    assert ids(
        "select patient_id from audit__patients_missing_email where patient_id like '9%'"
    ) == {("9102",)}
    assert ids(
        "select patient_id, duplicate_patient_id, match_rule"
        " from audit__patients_probable_duplicates where patient_id like '9%'"
    ) == {("9101", "9102", "name_and_birth_date"), ("9101", "9103", "email")}
    assert ids(
        "select patient_id from audit__patients_without_business where patient_id like '9%'"
    ) == {
        ("9102",),
        ("9105",),
    }
    assert ("932",) in ids("select practitioner_id from audit__practitioners_without_email")
    assert ("individual_appointment:985",) in ids(
        "select appointment_key from audit__appointments_missing_patient"
    )
    summary = dict(dbt_build.query("select check_name, failing_rows from audit__summary"))
    assert set(summary) == {
        "patients_missing_email",
        "patients_probable_duplicates",
        "patients_without_business",
        "practitioners_without_email",
        "appointments_missing_patient",
        # The bad-data classes (docs/bad-data.md; tests/reliability/test_bad_data_corpus.py).
        "patients_invalid_email",
        "patients_missing_name",
        "patients_malformed_phone",
        "patients_unusable_birth_date",
        "patients_markup_in_notes",
        "invoices_zero_or_negative",
    }
    assert summary["appointments_missing_patient"] >= 1


def test_sample_is_self_consistent(dbt_build: DbtBuild) -> None:
    members = set(dbt_build.query("select entity, entity_id from int_sample__members"))
    patients = {entity_id for entity, entity_id in members if entity == "patient"}
    assert len(patients) >= SAMPLE_SIZE
    bookings = dbt_build.query(
        "select source_entity, source_record_id, patient_id, practitioner_id, business_id"
        " from int_appointments__unified"
    )
    for entity, record_id, patient_id, practitioner_id, business_id in bookings:
        if (entity, record_id) in members:
            assert patient_id in patients
            assert practitioner_id is None or ("practitioner", practitioner_id) in members
            assert business_id is None or ("business", business_id) in members
        elif patient_id in patients:
            pytest.fail(f"booking {entity}:{record_id} of a sampled patient is not in the sample")
    items = dbt_build.query(
        "select invoice_id, invoice_item_id, item_key from int_invoice_items__described"
    )
    for invoice_id, item_id, item_key in items:
        if ("invoice", invoice_id) in members:
            assert ("invoice_item", item_id) in members
            assert item_key is None or tuple(item_key.split(":")) in members


def test_sample_is_the_same_every_run(dbt_build: DbtBuild) -> None:
    expected = dbt_build.query(
        "select patient_id from int_patients__joined order by md5(patient_id), patient_id limit ?",
        [SAMPLE_SIZE],
    )
    sampled = set(
        dbt_build.query("select entity_id from int_sample__members where entity = 'patient'")
    )
    assert set(expected) <= sampled


def test_official_examples_flow_through(dbt_build: DbtBuild) -> None:
    if not dbt_build.examples_loaded:
        pytest.skip("../shared/cliniko-api/examples is absent (a clone without the shared folder)")
    patient = dbt_build.query(
        "select insurance_carrier, insurance_policy_number, mobile_phone"
        " from int_patients__joined where patient_id = '1'"
    )
    assert patient == [("Super Insurance", "ABC-12345", "61444444444")]
    note = scalar(
        dbt_build,
        "select body_text from int_treatment_notes__rendered where treatment_note_id = '1'",
    )
    assert note.startswith(
        "Section 1\nPatient progress report: Answers to paragraph questions support basic HTML!"
    )
    assert note.endswith(
        "Section 2\nChoose just one: Choice 2\nChoose one or more: Choice 1, Choice 2"
    )
    line = scalar(
        dbt_build,
        "select line_description from int_invoice_items__described where invoice_item_id = '1'",
    )
    assert line == "1 x Initial consultation and treatment @ 100.00"
    assert (
        scalar(dbt_build, "select count(*) from stg_cliniko__settings where account_id = '123'")
        == 1
    )
