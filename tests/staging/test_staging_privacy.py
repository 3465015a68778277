"""target-staging's own errors never quote a record: a record is a patient here."""

from __future__ import annotations

import io

import pytest
from cliniko_staging.target import TargetStaging
from singer_sdk.exceptions import InvalidRecord
from singer_sdk.singerlib.exceptions import InvalidInputLine
from staging_helpers import PATIENT_SCHEMA, patient, record, run_target, schema

PRIVATE_NAME = "Marmaduke-Private"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # An unparsable line is reported by its number.
        ('{"type": "STATE", "value": {}}\n{"name": "' + PRIVATE_NAME + '", broken\n', "line 2"),
        # A message missing a key names the key.
        ('{"type": "RECORD", "record": {"first_name": "' + PRIVATE_NAME + '"}}\n', "stream"),
    ],
)
def test_bad_input_is_reported_without_its_content(tmp_path, text, named):
    target = TargetStaging(config={"path": str(tmp_path / "s.duckdb")})

    with pytest.raises(InvalidInputLine) as caught:
        target.listen(io.StringIO(text))

    assert named in str(caught.value)
    assert PRIVATE_NAME not in str(caught.value)


def test_validation_is_off_by_default_and_when_on_names_the_field_only(tmp_path, caplog):
    bad = patient(1, visits=PRIVATE_NAME)
    messages = [schema("patients", PATIENT_SCHEMA), record("patients", bad)]

    run_target({"path": str(tmp_path / "a.duckdb")}, messages)  # stored as text, no error

    with pytest.raises(InvalidRecord) as caught:
        run_target({"path": str(tmp_path / "b.duckdb"), "validate_records": True}, messages)
    assert "visits" in str(caught.value)
    assert PRIVATE_NAME not in str(caught.value)
    assert PRIVATE_NAME not in caplog.text
