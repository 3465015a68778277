"""target-staging's shortcuts change no result: mapped streams, byte input, a table evolving."""

from __future__ import annotations

import json

import pytest
from cliniko_staging.target import TargetStaging
from singer_sdk.singerlib.exceptions import InvalidInputLine
from staging_helpers import PATIENT_SCHEMA, patient, query, record, run_target, schema

PRIVATE_NAME = "Zoë-Private"


def _patients(config: dict, count: int = 3) -> None:
    run_target(
        config,
        [
            schema("patients", PATIENT_SCHEMA),
            *(record("patients", patient(n)) for n in range(count)),
        ],
    )


def _columns(path: str, table: str) -> list[str]:
    rows = query(
        path,
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw_cliniko' "
        "AND table_name = ? ORDER BY column_index",
        [table],
    )
    return [name for (name,) in rows]


def test_a_stream_map_still_removes_a_field_and_renames_the_stream(tmp_path):
    config = {
        "path": str(tmp_path / "s.duckdb"),
        "stream_maps": {"patients": {"__alias__": "people", "first_name": "__NULL__"}},
    }

    _patients(config)

    assert query(config["path"], "SELECT count(*) FROM raw_cliniko.people") == [(3,)]
    assert "first_name" not in _columns(config["path"], "people")
    assert _columns(config["path"], "patients") == []  # no table under the old name


def test_flattening_still_flattens_nested_fields(tmp_path):
    config = {
        "path": str(tmp_path / "s.duckdb"),
        "flattening_enabled": True,
        "flattening_max_depth": 1,
    }
    nested = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "address": {
                "type": ["null", "object"],
                "properties": {"city": {"type": ["null", "string"]}},
            },
        },
    }

    run_target(
        config,
        [schema("places", nested), record("places", {"id": "1", "address": {"city": "Perth"}})],
    )

    assert "address__city" in _columns(config["path"], "places")
    assert query(config["path"], "SELECT address__city FROM raw_cliniko.places") == [("Perth",)]


def test_a_file_is_read_as_bytes_keeping_non_ascii_text(tmp_path):
    lines = tmp_path / "messages.jsonl"
    messages = [
        schema("patients", PATIENT_SCHEMA),
        record("patients", patient(1, first_name=PRIVATE_NAME)),
    ]
    lines.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages), "utf-8")
    target = TargetStaging(config={"path": str(tmp_path / "s.duckdb")})

    with lines.open(encoding="utf-8") as text:
        target.listen(text)

    stored = query(tmp_path / "s.duckdb", "SELECT first_name FROM raw_cliniko.patients")
    assert stored == [(PRIVATE_NAME,)]


def test_a_line_that_is_not_utf8_is_reported_by_its_number_only(tmp_path):
    lines = tmp_path / "messages.jsonl"
    good = json.dumps(schema("patients", PATIENT_SCHEMA)).encode()
    bad = b'{"type": "RECORD", "stream": "patients", "record": {"first_name": "Zo\xeb-Private"}}'
    lines.write_bytes(good + b"\n" + bad + b"\n")
    target = TargetStaging(config={"path": str(tmp_path / "s.duckdb")})

    with lines.open(encoding="utf-8") as text, pytest.raises(InvalidInputLine) as caught:
        target.listen(text)

    assert "line 2" in str(caught.value)
    assert "Private" not in str(caught.value)


def test_a_column_widened_by_a_later_batch_of_the_same_stream_keeps_every_value(tmp_path):
    # Two records a batch: the second batch widens `visits` to text, the third is integers again.
    config = {"path": str(tmp_path / "s.duckdb"), "batch_size_rows": 2}
    visits = [1, 2, "many", 4, 5, 6]
    bodies = [patient(n, visits=v) for n, v in enumerate(visits)]

    run_target(
        config, [schema("patients", PATIENT_SCHEMA), *(record("patients", b) for b in bodies)]
    )

    rows = query(config["path"], "SELECT visits FROM raw_cliniko.patients ORDER BY id")
    assert rows == [(str(v),) for v in visits]
    types = query(
        config["path"],
        "SELECT data_type FROM duckdb_columns() WHERE table_name = 'patients' "
        "AND column_name = 'visits'",
    )
    assert types == [("VARCHAR",)]


def test_a_second_run_merges_into_the_rows_of_the_first(tmp_path):
    # The first batch of a run goes straight into an empty table; into a filled one it merges.
    config = {"path": str(tmp_path / "s.duckdb")}
    _patients(config, 3)

    run_target(
        config,
        [
            schema("patients", PATIENT_SCHEMA),
            record("patients", patient(1, "2026-01-01T00:00:00Z", first_name="Newer")),
            record("patients", patient(2, "2024-01-01T00:00:00Z", first_name="Older")),
        ],
    )

    rows = query(config["path"], "SELECT first_name FROM raw_cliniko.patients ORDER BY id")
    assert rows == [("First0",), ("Newer",), ("First2",)]
