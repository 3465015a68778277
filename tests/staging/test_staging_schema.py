"""target-staging grows tables with their schemas and widens a changed type, never dropping data."""

from __future__ import annotations

import io
import json
import logging

import pytest
from cliniko_staging.target import TargetStaging
from staging_helpers import PATIENT_SCHEMA, patient, query, record, run_target, schema


@pytest.fixture
def config(tmp_path):
    return {"path": str(tmp_path / "staging.duckdb"), "batch_size_rows": 3}


def _schema_with(**properties):
    return {"type": "object", "properties": {"id": {"type": "string"}, **properties}}


def _column_types(config, table):
    rows = query(
        config["path"],
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "AND column_name NOT LIKE '\\_sdc\\_%' ESCAPE '\\' ORDER BY column_index",
        [table],
    )
    return dict(rows)


def _send_size(config, record_id, size_property, value):
    """One run with one ``things`` record whose ``size`` has the given schema."""
    run_target(
        config,
        [
            schema("things", _schema_with(size=size_property)),
            record("things", {"id": record_id, "size": value}),
        ],
    )


def test_columns_map_to_duckdb_types_and_nested_values_are_json(config):
    run_target(config, [schema("patients", PATIENT_SCHEMA), record("patients", patient(1))])

    assert _column_types(config, "patients") == {
        "id": "VARCHAR",
        "first_name": "VARCHAR",
        "visits": "BIGINT",
        "balance": "VARCHAR",
        "date_of_birth": "DATE",
        "custom_fields": "JSON",
        "phone_numbers": "JSON",
        "archived_at": "TIMESTAMP WITH TIME ZONE",
        "deleted_at": "TIMESTAMP WITH TIME ZONE",
        "updated_at": "TIMESTAMP WITH TIME ZONE",
    }
    custom, phones, balance = query(
        config["path"], "SELECT custom_fields, phone_numbers, balance FROM raw_cliniko.patients"
    )[0]
    assert json.loads(custom) == patient(1)["custom_fields"]
    assert json.loads(phones) == [{"phone_type": "Mobile", "number": "61444444444"}]
    assert balance == "12.50"  # decimals stay exact text


def test_a_new_property_adds_a_column_and_keeps_earlier_rows(config):
    first = _schema_with(name={"type": "string"})
    grown = _schema_with(name={"type": "string"}, email={"type": ["null", "string"]})

    run_target(
        config,
        [
            schema("contacts", first),
            *(record("contacts", {"id": str(n), "name": f"N{n}"}) for n in range(4)),
            schema("contacts", grown),
            *(
                record("contacts", {"id": str(n), "name": f"N{n}", "email": f"{n}@x"})
                for n in range(4, 8)
            ),
        ],
    )

    rows = query(config["path"], "SELECT id, name, email FROM raw_cliniko.contacts ORDER BY id")
    assert rows == [(str(n), f"N{n}", None) for n in range(4)] + [
        (str(n), f"N{n}", f"{n}@x") for n in range(4, 8)
    ]


def test_a_type_change_widens_the_column_with_a_warning(config, caplog):
    caplog.set_level(logging.WARNING)
    _send_size(config, "1", {"type": "integer"}, 12)

    _send_size(config, "2", {"type": "string"}, "large")

    assert _column_types(config, "things")["size"] == "VARCHAR"
    assert query(config["path"], "SELECT size FROM raw_cliniko.things ORDER BY id") == [
        ("12",),
        ("large",),
    ]
    assert any("'size'" in m and "widening" in m for m in caplog.messages)


def test_a_change_to_an_object_widens_to_json_keeping_old_values(config):
    _send_size(config, "1", {"type": "integer"}, 12)

    _send_size(config, "2", {"type": "object"}, {"w": 3})

    assert _column_types(config, "things")["size"] == "JSON"
    values = [
        json.loads(v)
        for (v,) in query(config["path"], "SELECT size FROM raw_cliniko.things ORDER BY id")
    ]
    assert values == [12, {"w": 3}]


def test_a_text_column_keeps_later_objects_as_json_text(config):
    _send_size(config, "1", {"type": "string"}, "large")

    _send_size(config, "2", {"type": "object"}, {"w": 3})

    assert _column_types(config, "things")["size"] == "VARCHAR"
    assert query(config["path"], "SELECT size FROM raw_cliniko.things ORDER BY id") == [
        ("large",),
        ('{"w":3}',),
    ]


def test_values_that_do_not_fit_the_declared_type_are_kept_as_text(config, caplog):
    caplog.set_level(logging.WARNING)
    run_target(
        config,
        [
            schema(
                "things",
                _schema_with(
                    size={"type": ["null", "integer"]},
                    seen={"type": ["null", "string"], "format": "date-time"},
                ),
            ),
            record("things", {"id": "1", "size": 5, "seen": "2025-01-01T00:00:00Z"}),
            record("things", {"id": "2", "size": "five", "seen": "sometime last week"}),
        ],
    )

    types = _column_types(config, "things")
    assert types["size"] == "VARCHAR"
    assert types["seen"] == "VARCHAR"
    assert query(config["path"], "SELECT size, seen FROM raw_cliniko.things ORDER BY id") == [
        ("5", "2025-01-01T00:00:00Z"),
        ("five", "sometime last week"),
    ]
    assert any("'size'" in m for m in caplog.messages)
    assert any("'seen'" in m for m in caplog.messages)
    assert not any("five" in m or "last week" in m for m in caplog.messages)  # no values logged


def test_a_field_missing_from_the_schema_is_stored_as_json(config):
    run_target(
        config,
        [schema("things", _schema_with()), record("things", {"id": "1", "surprise": {"a": 1}})],
    )

    assert _column_types(config, "things")["surprise"] == "JSON"
    assert query(config["path"], "SELECT surprise FROM raw_cliniko.things") == [('{"a":1}',)]


def test_odd_stream_and_field_names_are_quoted(config):
    odd = {
        "type": "object",
        "properties": {"id": {"type": "string"}, 'say "hi"': {"type": "string"}},
    }

    run_target(
        config,
        [schema("my-stream:v2", odd), record("my-stream:v2", {"id": "1", 'say "hi"': "hello"})],
    )

    assert query(config["path"], 'SELECT "say ""hi""" FROM raw_cliniko."my-stream:v2"') == [
        ("hello",)
    ]


def test_the_schema_setting_names_the_target_schema(config):
    config["schema"] = "raw_other"

    run_target(config, [schema("things", _schema_with()), record("things", {"id": "1"})])

    assert query(config["path"], "SELECT id FROM raw_other.things") == [("1",)]


def test_numbers_keep_their_value_in_number_and_json_columns(config):
    properties = _schema_with(score={"type": ["null", "number"]}, extra={"type": "object"})
    text = (
        '{"type": "SCHEMA", "stream": "things", "key_properties": ["id"], "schema": '
        + json.dumps(properties)
        + '}\n{"type": "RECORD", "stream": "things", "record": '
        '{"id": "1", "score": 2.5, "extra": {"exact": 0.12345678901234567890123}}}\n'
    )
    target = TargetStaging(config=config)

    target.listen(io.StringIO(text))

    ((score, extra),) = query(config["path"], "SELECT score, extra FROM raw_cliniko.things")
    assert score == 2.5
    assert extra == '{"exact":0.12345678901234567890123}'


def test_a_stream_renamed_only_in_case_lands_in_the_same_table(config):
    _send_size(config, "1", {"type": "string"}, "small")

    run_target(
        config,
        [
            schema("Things", _schema_with(size={"type": "string"}, colour={"type": "string"})),
            record("Things", {"id": "2", "size": "large", "colour": "red"}),
        ],
    )

    assert query(config["path"], "SELECT id, size, colour FROM raw_cliniko.things ORDER BY id") == [
        ("1", "small", None),
        ("2", "large", "red"),
    ]


def test_a_replaced_row_keeps_columns_its_new_schema_does_not_send(config):
    version = {"type": ["null", "string"], "format": "date-time"}
    wide = _schema_with(updated_at=version, name={"type": "string"}, email={"type": "string"})
    narrow = _schema_with(updated_at=version, name={"type": "string"})
    first = {"id": "1", "updated_at": "2025-01-01T00:00:00Z", "name": "Old", "email": "a@x"}
    second = {"id": "1", "updated_at": "2025-02-01T00:00:00Z", "name": "New"}

    run_target(config, [schema("things", wide), record("things", first)])
    run_target(config, [schema("things", narrow), record("things", second)])

    assert query(config["path"], "SELECT name, email FROM raw_cliniko.things") == [("New", "a@x")]


def test_a_stream_with_a_schema_but_no_records_gets_an_empty_table(config):
    run_target(config, [schema("patients", PATIENT_SCHEMA)])

    assert query(config["path"], "SELECT count(*) FROM raw_cliniko.patients") == [(0,)]
    assert _column_types(config, "patients")["updated_at"] == "TIMESTAMP WITH TIME ZONE"
