"""tap-staging emits a CRM's publish tables in load order with schemas from the dbt contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tap_fixture
from cliniko_staging.streams import StagingError
from cliniko_staging.tap import TapStaging
from staging_helpers import file_held_by_another_process


@pytest.fixture
def config(tmp_path):
    return tap_fixture.build(tmp_path)


def _sync(config, capsys) -> list[dict]:
    capsys.readouterr()
    TapStaging(config=config).sync_all()
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def _schemas(messages) -> dict[str, dict]:
    return {m["stream"]: m for m in messages if m["type"] == "SCHEMA"}


def _records(messages, stream) -> list[dict]:
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def test_streams_come_in_load_order_not_alphabetically(config, capsys):
    messages = _sync(config, capsys)

    order = [m["stream"] for m in messages if m["type"] == "RECORD"]
    first_seen = list(dict.fromkeys(order))
    assert first_seen == ["zones", "contacts", "accounts"]
    assert [s.name for s in TapStaging(config=config).streams.values()] == first_seen


def test_schemas_carry_types_max_length_enum_and_the_key(config, capsys):
    schemas = _schemas(_sync(config, capsys))

    contacts = schemas["contacts"]
    assert contacts["key_properties"] == ["_source_id"]
    properties = contacts["schema"]["properties"]
    assert properties["_source_id"] == {"type": ["string"]}
    assert properties["first_name"] == {"type": ["string", "null"], "maxLength": 255}
    assert properties["email"] == {"type": ["string", "null"], "maxLength": 100}
    assert properties["lifecycle"]["enum"] == ["Lead", "Customer", None]
    assert properties["status"]["enum"] == ["active", "inactive", None]  # accepted_values test
    assert "_in_sample" not in properties
    accounts = schemas["accounts"]["schema"]["properties"]
    assert accounts["balance"] == {"type": ["number", "null"]}
    assert accounts["seen_at"] == {"type": ["string", "null"], "format": "date-time"}
    assert accounts["details"] == {"type": ["object", "array", "null"]}


def test_records_are_ordered_by_source_id_with_json_parsed(config, capsys):
    messages = _sync(config, capsys)

    contacts = _records(messages, "contacts")
    assert [r["_source_id"] for r in contacts] == ["patient:1", "patient:2", "patient:3"]
    assert contacts[0] == {
        "_source_id": "patient:1",
        "first_name": "Abe",
        "email": "a@example.com",
        "lifecycle": "Customer",
        "status": "active",
        "_ref__zone_id": "zone:2",
    }
    (account,) = _records(messages, "accounts")
    assert account["details"] == {"tags": ["a", "b"]}
    assert account["balance"] == 12.5
    assert account["seen_at"].startswith("2025-01-02T03:04:05")


def test_sample_mode_emits_only_rows_in_the_sample(config, capsys):
    messages = _sync({**config, "sample": True}, capsys)

    assert [r["_source_id"] for r in _records(messages, "contacts")] == ["patient:1", "patient:2"]
    assert [r["_source_id"] for r in _records(messages, "zones")] == ["zone:2"]


def test_the_tap_reads_while_another_reader_holds_the_file(config, capsys):
    # A read-only holder blocks writers but not other readers: the tap must open read-only.
    with file_held_by_another_process(config["path"], read_only=True):
        messages = _sync(config, capsys)
    assert len(_records(messages, "contacts")) == 3


def test_the_file_is_released_once_the_tap_has_read_it(config, capsys):
    _sync(config, capsys)

    import duckdb

    duckdb.connect(config["path"]).close()  # a writer can take the lock again


def test_without_a_manifest_types_come_from_the_file(config, capsys, tmp_path):
    config["manifest_path"] = str(tmp_path / "absent.json")

    messages = _sync(config, capsys)

    assert [m["stream"] for m in messages if m["type"] == "SCHEMA"] == [
        "accounts",
        "contacts",
        "zones",
    ]
    properties = _schemas(messages)["accounts"]["schema"]["properties"]
    assert properties["balance"] == {"type": ["number", "null"]}
    assert "object" in properties["details"]["type"]
    assert "_in_sample" not in properties


def test_a_table_that_drifted_from_the_manifest_fails_clearly(config, capsys):
    import duckdb

    with duckdb.connect(config["path"]) as connection:
        connection.execute("ALTER TABLE publish_testcrm.testcrm__contacts DROP COLUMN email")

    with pytest.raises(StagingError, match="run `dbt build`"):
        _sync(config, capsys)


def test_an_unknown_crm_names_the_setting(config):
    with pytest.raises(StagingError, match="No publish_nocrm models"):
        TapStaging(config={**config, "crm": "nocrm"}).discover_streams()


def test_an_encrypted_staging_file_is_read_with_its_key(tmp_path, capsys):
    encrypted = tap_fixture.build(tmp_path, encryption_key="s3cret key")

    messages = _sync(encrypted, capsys)

    assert len(_records(messages, "contacts")) == 3
    assert b"Cleo" not in Path(encrypted["path"]).read_bytes()


def test_sample_mode_on_a_table_without_the_sample_column_says_so(config, capsys):
    import duckdb

    with duckdb.connect(config["path"]) as connection:
        connection.execute("ALTER TABLE publish_testcrm.testcrm__zones DROP COLUMN _in_sample")

    with pytest.raises(StagingError, match="_in_sample"):
        _sync({**config, "sample": True}, capsys)
