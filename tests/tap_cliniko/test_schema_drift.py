"""Schema drift: Cliniko adds a field or changes a field's type; the run goes on, nothing is lost.

The tap declares the field (new: typed from its first value; changed: text from then on), sends
the stream's SCHEMA again before the record, and logs one WARNING naming stream and field only.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from pathlib import Path

import duckdb
from cliniko_staging.target import TargetStaging
from tap_fake_api import FakeCliniko
from tap_helpers import SyncResult, make_config, minute, row, run_tap

PRIVATE_VALUE = "Jane Citizen's loyalty note"


def schemas_before_each_record(result: SyncResult, stream: str) -> list[dict]:
    """For each RECORD of ``stream``, the last SCHEMA of that stream sent before it."""
    current: dict = {}
    seen = []
    for message in result.messages:
        if message.get("stream") != stream:
            continue
        if message["type"] == "SCHEMA":
            current = message["schema"]
        elif message["type"] == "RECORD":
            seen.append(current)
    return seen


def drift_warnings(caplog, field: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and f"'{field}'" in r.getMessage()
    ]


def test_a_new_field_is_declared_from_its_first_value_and_emitted(
    fake: FakeCliniko, caplog
) -> None:
    fake.add(
        "/patients",
        [
            row(1, minute(1), first_name="A"),
            row(2, minute(2), first_name="B", loyalty_note=PRIVATE_VALUE),
            row(3, minute(3), first_name="C", loyalty_note="another"),
        ],
    )
    with caplog.at_level(logging.WARNING):
        result = run_tap(make_config(), {"patients"})
    records = result.records("patients")
    assert [r.get("loyalty_note") for r in records] == [None, PRIVATE_VALUE, "another"]
    schemas = schemas_before_each_record(result, "patients")
    assert "loyalty_note" not in schemas[0]["properties"]
    # Declared before the first record carrying it, so a target makes a column for it.
    assert schemas[1]["properties"]["loyalty_note"] == {"type": ["string", "null"]}
    assert schemas[2] == schemas[1]
    warnings = drift_warnings(caplog, "loyalty_note")
    assert len(warnings) == 1
    assert "'patients'" in warnings[0]
    assert PRIVATE_VALUE not in caplog.text and "another" not in caplog.text


def test_new_fields_are_typed_by_their_json_type(fake: FakeCliniko) -> None:
    fake.add(
        "/patients",
        [
            row(
                1,
                minute(1),
                loyalty_points=12,
                loyalty_balance=12.5,
                loyalty_opt_in=True,
                loyalty_card={"tier": "gold"},
                loyalty_history=[{"year": 2024}],
                loyalty_provider={"links": {"self": "https://api.au1.cliniko.com/v1/things/77"}},
            ),
            row(2, minute(2), loyalty_points=3, loyalty_balance=7),
        ],
    )
    result = run_tap(make_config(), {"patients"})
    declared = schemas_before_each_record(result, "patients")[-1]["properties"]
    assert declared["loyalty_points"] == {"type": ["integer", "null"]}
    assert declared["loyalty_balance"] == {"type": ["string", "null"], "format": "x-singer.decimal"}
    assert declared["loyalty_opt_in"] == {"type": ["boolean", "null"]}
    assert declared["loyalty_card"]["type"] == ["object", "null"]
    assert declared["loyalty_history"]["type"] == ["array", "null"]
    assert declared["loyalty_provider_id"] == {"type": ["string", "null"]}
    first, second = result.records("patients")
    assert first["loyalty_balance"] == "12.5" and second["loyalty_balance"] == "7"
    assert first["loyalty_card"] == {"tier": "gold"}
    assert first["loyalty_provider_id"] == "77"


def test_a_changed_type_makes_the_field_text_from_then_on(fake: FakeCliniko, caplog) -> None:
    fake.add(
        "/patients",
        [
            row(1, minute(1), accepted_sms_marketing=True),
            row(2, minute(2), accepted_sms_marketing=PRIVATE_VALUE),
            row(3, minute(3), accepted_sms_marketing=False),
            row(4, minute(4), accepted_sms_marketing=None),
        ],
    )
    with caplog.at_level(logging.WARNING):
        result = run_tap(make_config(), {"patients"})
    values = [r["accepted_sms_marketing"] for r in result.records("patients")]
    assert values == [True, PRIVATE_VALUE, "false", None]
    schemas = schemas_before_each_record(result, "patients")
    assert schemas[0]["properties"]["accepted_sms_marketing"]["type"] == ["boolean", "null"]
    assert schemas[1]["properties"]["accepted_sms_marketing"] == {"type": ["string", "null"]}
    warnings = drift_warnings(caplog, "accepted_sms_marketing")
    assert len(warnings) == 1
    assert "'patients'" in warnings[0] and "boolean" in warnings[0] and "string" in warnings[0]
    assert PRIVATE_VALUE not in caplog.text


def test_an_object_where_text_was_declared_is_kept_as_json_text(fake: FakeCliniko) -> None:
    fake.add("/patients", [row(1, minute(1), occupation={"title": "Nurse", "since": 2020})])
    result = run_tap(make_config(), {"patients"})
    (record,) = result.records("patients")
    assert json.loads(record["occupation"]) == {"title": "Nurse", "since": 2020}


def test_drifted_fields_land_in_staging(fake: FakeCliniko, tmp_path: Path) -> None:
    fake.add(
        "/patients",
        [
            row(1, minute(1), visits_planned=2, accepted_sms_marketing=True),
            row(2, minute(2), visits_planned=5, accepted_sms_marketing="opted out by phone"),
        ],
    )
    result = run_tap(make_config(), {"patients"})
    path = tmp_path / "staging.duckdb"
    target = TargetStaging(config={"path": str(path)})
    lines = io.StringIO("".join(json.dumps(m) + "\n" for m in result.messages))
    with contextlib.redirect_stdout(io.StringIO()):
        target.listen(lines)
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "SELECT id, visits_planned, accepted_sms_marketing FROM raw_cliniko.patients "
            "ORDER BY id"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("1", 2), ("2", 5)]
    # The column widened to text: the boolean became its JSON text, the string is kept.
    assert [r[2] for r in rows] == ["true", "opted out by phone"]
