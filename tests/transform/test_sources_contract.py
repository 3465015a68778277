"""The dbt sources declare the raw tables target-staging writes from tap-cliniko's schemas."""

from __future__ import annotations

import pytest

from .conftest import REPO_ROOT
from .raw_staging import declared_columns

SDC_COLUMNS = {
    "_sdc_extracted_at",
    "_sdc_received_at",
    "_sdc_batched_at",
    "_sdc_sequence",
    "_sdc_deleted_at",
    "_sdc_archived_at",
}


def tap_schemas() -> dict[str, dict[str, dict]]:
    tap_module = pytest.importorskip("tap_cliniko.tap", reason="tap-cliniko not installed")
    tap = tap_module.TapCliniko(
        config={"api_key": "contract-test-au1", "user_agent": "contract test (test@example.com)"},
        parse_env_config=False,
        validate_config=False,
    )
    return {stream.name: stream.schema["properties"] for stream in tap.discover_streams()}


def test_every_tap_stream_is_a_source_with_the_same_columns() -> None:
    declared = declared_columns(REPO_ROOT)
    schemas = tap_schemas()
    assert set(declared) == set(schemas)
    for stream, properties in schemas.items():
        assert set(declared[stream]) - SDC_COLUMNS == set(properties), stream
        assert set(declared[stream]) >= SDC_COLUMNS, stream


def test_declared_types_are_the_types_target_staging_creates() -> None:
    column_types = pytest.importorskip(
        "cliniko_staging.column_types", reason="cliniko-staging not installed"
    )
    declared = declared_columns(REPO_ROOT)
    mismatches = {
        (stream, name): (declared[stream].get(name), column_types.column_type(prop))
        for stream, properties in tap_schemas().items()
        for name, prop in properties.items()
        if declared[stream].get(name, "").upper() != column_types.column_type(prop)
    }
    assert not mismatches
