"""Record shaping: flat link ids, string ids and decimals, null dates, unknown fields."""

from __future__ import annotations

import json
import logging

import pytest
from tap_cliniko.records import RecordShaper, to_one_id
from tap_cliniko.tap import TapCliniko
from tap_helpers import BASE_URL, EXAMPLES, link, make_config


def shaper(stream: str) -> RecordShaper:
    return TapCliniko(config=make_config()).streams[stream].shaper


def example(name: str) -> dict:
    path = EXAMPLES / f"{name}.json"
    if not path.exists():
        pytest.skip(f"the official Cliniko examples are not beside the repo ({path.parent})")
    return json.loads(path.read_text())


def test_to_one_links_become_ids_and_collections_are_dropped() -> None:
    raw = {
        "id": 42,
        "updated_at": "2024-01-01T00:00:00Z",
        "patient": link("patients", 82),
        "practitioner": {"links": {"self": f"{BASE_URL}/practitioners/514810972972521916/"}},
        "attendees": {"links": {"self": f"{BASE_URL}/individual_appointments/42/attendees"}},
        "repeats": {
            "links": {"self": f"{BASE_URL}/individual_appointments?q[]=repeated_from_id:=42"}
        },
        "conflicts": None,
        "links": {"self": f"{BASE_URL}/individual_appointments/42"},
    }
    record = shaper("individual_appointments").shape(raw)
    assert record["id"] == "42"
    assert record["patient_id"] == "82"
    assert record["practitioner_id"] == "514810972972521916"
    assert record["business_id"] is None  # absent link: null, not missing
    for dropped in ("patient", "attendees", "repeats", "conflicts", "links"):
        assert dropped not in record


def test_a_plain_id_field_and_its_link_agree() -> None:
    raw = {"id": "1", "product_supplier_id": 5, "product_supplier": link("product_suppliers", 5)}
    assert shaper("products").shape(raw)["product_supplier_id"] == "5"


def test_empty_string_dates_become_null_and_decimals_become_strings() -> None:
    from decimal import Decimal

    raw = {
        "id": "1",
        "date_of_birth": "",
        "archived_at": "",
        "issue_date": "",
        "total_amount": Decimal("50.10"),
        "tax_amount": 3,
        "net_amount": "47.1",
        "patient_extra_information": "",
    }
    record = shaper("invoices").shape(raw)
    assert record["archived_at"] is None
    assert record["issue_date"] is None
    assert record["total_amount"] == "50.10"
    assert record["tax_amount"] == "3"
    assert record["net_amount"] == "47.1"
    assert record["patient_extra_information"] == ""  # only date fields turn "" into null


def test_id_arrays_are_strings() -> None:
    raw = {"id": "1", "patient_ids": [1, "2"]}
    assert shaper("group_appointments").shape(raw)["patient_ids"] == ["1", "2"]


def test_unknown_fields_pass_through_with_one_warning_naming_the_field(caplog) -> None:
    stream_shaper = shaper("patients")
    with caplog.at_level(logging.WARNING):
        first = stream_shaper.shape({"id": "1", "favourite_colour": "Jane Citizen's secret"})
        second = stream_shaper.shape({"id": "2", "favourite_colour": "another value"})
    assert first["favourite_colour"] == "Jane Citizen's secret"
    assert second["favourite_colour"] == "another value"
    warnings = [r for r in caplog.records if "favourite_colour" in r.getMessage()]
    assert len(warnings) == 1
    assert "secret" not in caplog.text


def test_collection_urls_are_not_mistaken_for_records() -> None:
    assert to_one_id(f"{BASE_URL}/patients/1/invoices") is None
    assert to_one_id(f"{BASE_URL}/invoices?q%5B%5D=invoice_id%3A%3D1") is None
    assert to_one_id(f"{BASE_URL}/patient_forms/1/signatures/112233") == "112233"
    assert to_one_id(f"{BASE_URL}/patients/42/") == "42"  # one trailing slash
    assert to_one_id(f"{BASE_URL}/patients/42//") is None
    assert to_one_id(f"{BASE_URL}/patients/4x2") is None
    assert to_one_id(f"{BASE_URL}/patients/42#top") is None
    assert to_one_id("42") is None  # no path at all


def test_official_patient_example_is_shaped_to_the_contract() -> None:
    raw = example("patients")["patients"][0]
    record = shaper("patients").shape(raw)
    assert isinstance(record["id"], str)
    assert record["concession_type_id"] is None or record["concession_type_id"].isdigit()
    assert isinstance(record["patient_phone_numbers"], list)
    assert "appointments" not in record and "links" not in record
    for name in ("archived_at", "deleted_at", "date_of_birth"):
        assert record.get(name) != ""


def test_settings_become_one_record_keyed_by_account() -> None:
    body = example("settings")
    stream = TapCliniko(config=make_config()).streams["settings"]
    record = stream.post_process(dict(body))
    assert record["id"] == str(body["account"]["id"])
    assert record["account"] == body["account"]
    assert "links" not in record
