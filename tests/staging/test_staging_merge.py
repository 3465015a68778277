"""target-staging keeps every record and merges on the key: latest updated_at wins."""

from __future__ import annotations

import pytest
from singer_sdk.exceptions import MissingKeyPropertiesError
from staging_helpers import PATIENT_SCHEMA, patient, query, record, run_target, schema

STREAM = "patients"


@pytest.fixture
def config(tmp_path):
    return {"path": str(tmp_path / "staging.duckdb"), "batch_size_rows": 7}


def _load(config, bodies, stream=STREAM, keys=None, properties_schema=PATIENT_SCHEMA):
    return run_target(
        config,
        [schema(stream, properties_schema, keys), *(record(stream, b) for b in bodies)],
    )


def _rows(config, columns="id, first_name, visits"):
    return query(config["path"], f"SELECT {columns} FROM raw_cliniko.{STREAM} ORDER BY id")  # noqa: S608


def test_every_record_lands_across_full_and_partial_batches(config):
    # 7 per batch: 45 records make six full batches and a partial one of 3.
    _load(config, [patient(n) for n in range(45)])

    rows = _rows(config)
    assert len(rows) == 45
    assert rows[0] == (str(1443966599630431868), "First0", 0)  # first row of the first batch
    assert {r[2] for r in rows} == set(range(45))  # first of each batch and the last partial


def test_resending_the_same_records_changes_nothing(config):
    _load(config, [patient(n) for n in range(20)])
    before = query(config["path"], "SELECT * FROM raw_cliniko.patients ORDER BY id")

    _load(config, [patient(n) for n in range(20)])

    after = query(config["path"], "SELECT * FROM raw_cliniko.patients ORDER BY id")
    assert after == before  # not even _sdc_received_at moves


def test_an_older_replay_never_overwrites_newer_data(config):
    _load(config, [patient(1, "2025-06-01T00:00:00Z", first_name="New")])

    _load(config, [patient(1, "2025-01-01T00:00:00Z", first_name="Old")])

    assert _rows(config, "first_name, updated_at") == [("New", _ts("2025-06-01"))]


def test_newer_data_replaces_older_and_a_tie_goes_to_the_later_received(config):
    _load(config, [patient(1, "2025-01-01T00:00:00Z", first_name="A")])
    _load(config, [patient(1, "2025-06-01T00:00:00Z", first_name="B")])
    assert _rows(config, "first_name") == [("B",)]

    _load(config, [patient(1, "2025-06-01T00:00:00Z", first_name="C")])
    assert _rows(config, "first_name") == [("C",)]


def test_within_one_batch_the_latest_version_of_a_key_wins(config):
    _load(
        config,
        [
            patient(1, "2025-03-01T00:00:00Z", first_name="March"),
            patient(1, "2025-05-01T00:00:00Z", first_name="May"),
            patient(1, "2025-04-01T00:00:00Z", first_name="April"),
            patient(2, "2025-01-01T00:00:00Z", first_name="Same-1"),
            patient(2, "2025-01-01T00:00:00Z", first_name="Same-2"),
        ],
    )

    assert _rows(config, "first_name") == [("May",), ("Same-2",)]


def test_a_record_without_updated_at_never_replaces_a_dated_one(config):
    _load(config, [patient(1, "2025-03-01T00:00:00Z", first_name="Dated")])

    _load(config, [patient(1, None, first_name="Undated")])

    assert _rows(config, "first_name") == [("Dated",)]


def test_streams_without_a_key_append_every_record(config):
    bodies = [{"id": "1", "value": n} for n in range(10)] * 2
    flat = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "value": {"type": "integer"}},
    }

    _load(config, bodies, stream="events", keys=[], properties_schema=flat)

    rows = query(config["path"], "SELECT count(*), count(DISTINCT value) FROM raw_cliniko.events")
    assert rows == [(20, 10)]


def test_a_composite_key_merges_on_all_its_parts(config):
    services = {
        "type": "object",
        "properties": {
            "business_id": {"type": "string"},
            "appointment_type_id": {"type": "string"},
            "price": {"type": ["null", "string"]},
        },
    }
    bodies = [
        {"business_id": "1", "appointment_type_id": "1", "price": "10"},
        {"business_id": "1", "appointment_type_id": "2", "price": "20"},
        {"business_id": "1", "appointment_type_id": "1", "price": "15"},
    ]

    _load(
        config,
        bodies,
        stream="services",
        keys=["business_id", "appointment_type_id"],
        properties_schema=services,
    )

    rows = query(
        config["path"], "SELECT appointment_type_id, price FROM raw_cliniko.services ORDER BY 1"
    )
    assert rows == [("1", "15"), ("2", "20")]


def test_a_record_missing_its_key_fails_the_run(config):
    body = patient(1)
    del body["id"]
    with pytest.raises(MissingKeyPropertiesError):
        _load(config, [body])


def test_a_record_with_a_null_key_fails_the_run_naming_the_key(config):
    with pytest.raises(MissingKeyPropertiesError, match="key 'id'"):
        _load(config, [patient(1, id=None)])


def test_metadata_columns_follow_the_contract(config):
    _load(
        config,
        [
            patient(1, deleted_at="2025-02-01T00:00:00Z"),
            patient(2, archived_at="2025-03-01T00:00:00Z"),
        ],
    )

    metadata = query(
        config["path"],
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND column_name LIKE "
        "'\\_sdc\\_%' ESCAPE '\\' ORDER BY column_index",
        [STREAM],
    )
    assert [m[0] for m in metadata] == [
        "_sdc_extracted_at",
        "_sdc_received_at",
        "_sdc_batched_at",
        "_sdc_sequence",
        "_sdc_deleted_at",
        "_sdc_archived_at",
    ]
    rows = _rows(
        config,
        "_sdc_extracted_at, _sdc_deleted_at, _sdc_archived_at, _sdc_received_at IS NOT NULL, "
        "_sdc_batched_at IS NOT NULL, _sdc_sequence > 0",
    )
    assert rows == [
        (_ts("2026-01-02 03:04:05"), _ts("2025-02-01"), None, True, True, True),
        (_ts("2026-01-02 03:04:05"), None, _ts("2025-03-01"), True, True, True),
    ]


def test_cancelled_at_is_the_archived_marker_when_archived_at_is_absent(config):
    appointments = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "cancelled_at": {"type": ["null", "string"], "format": "date-time"},
        },
    }

    _load(
        config,
        [{"id": "9", "cancelled_at": "2025-04-01T10:00:00Z"}],
        stream="appointments",
        properties_schema=appointments,
    )

    rows = query(config["path"], "SELECT _sdc_archived_at FROM raw_cliniko.appointments")
    assert rows == [(_ts("2025-04-01 10:00:00"),)]


def _ts(text: str):
    import datetime

    value = datetime.datetime.fromisoformat(text)
    return value.replace(tzinfo=datetime.timezone.utc)
