"""The publish models agree with target-freshsales, the Freshsales simulator and tap-staging."""

from __future__ import annotations

import json
from typing import Any

import pytest
from clinic_sandbox.freshsales.custom_fields import PROJECT_FIELDS, build_custom_fields
from clinic_sandbox.freshsales.entities import BY_KEY
from clinic_sandbox.freshsales.fields import FieldDef
from cliniko_staging.manifest import PublishModel, read_manifest
from cliniko_staging.tap import TapStaging
from crmsync.spec import OWNER_EMAIL, REF_PREFIX, SOURCE_ID
from target_freshsales.objects import OBJECTS

from .conftest import FreshsalesBuild

SPECS = {spec.stream: spec for spec in OBJECTS}
CUSTOM_FIELDS = build_custom_fields(PROJECT_FIELDS)
# Columns the target reads itself and never sends as fields (besides `_ref__*` and `_owner_email`).
FILE_COLUMNS = {"_file_path", "_file_name", "_content_type", "_file_size"}
# dbt data types each Freshsales field type takes.
TYPES = {
    "text": {"varchar"},
    "textarea": {"varchar"},
    "number": {"bigint", "integer", "decimal(18,2)", "decimal(18,4)"},
    "checkbox": {"boolean"},
    "date": {"date"},
    "date_time": {"timestamp with time zone"},
    "dropdown": {"varchar", "integer"},
    "phone_list": {"json"},
    "object_list": {"json"},
}


@pytest.fixture(scope="module")
def models(freshsales_build: FreshsalesBuild) -> dict[str, PublishModel]:
    assert freshsales_build.returncode == 0, freshsales_build.output[-4000:]
    return {m.stream: m for m in read_manifest(freshsales_build.manifest_path, "freshsales")}


@pytest.fixture(scope="module")
def manifest_meta(freshsales_build: FreshsalesBuild) -> dict[str, dict[str, Any]]:
    nodes = json.loads(freshsales_build.manifest_path.read_text())["nodes"]
    return {
        node["name"].removeprefix("freshsales__"): node["config"]["meta"]
        for node in nodes.values()
        if node["resource_type"] == "model" and node["schema"] == "publish_freshsales"
    }


def test_every_node_of_the_build_passes(freshsales_build: FreshsalesBuild) -> None:
    assert freshsales_build.returncode == 0, freshsales_build.output[-4000:]
    results = freshsales_build.run_results["results"]
    failed = {r["unique_id"] for r in results if r["status"] not in {"success", "pass"}}
    assert not failed
    ours = {r["unique_id"] for r in results if "freshsales" in r["unique_id"]}
    assert sum(node.startswith("unit_test.") for node in ours) >= 4
    assert sum(node.startswith("test.") for node in ours) >= 50
    assert "[WARNING]" not in freshsales_build.output


def test_one_publish_model_per_freshsales_object(models: dict[str, PublishModel]) -> None:
    assert set(models) == set(SPECS)


def test_model_meta_agrees_with_objects_py(
    models: dict[str, PublishModel], manifest_meta: dict[str, dict[str, Any]]
) -> None:
    for stream, spec in SPECS.items():
        model, meta = models[stream], manifest_meta[stream]
        assert model.load_order == spec.load_order, stream
        assert model.external_id == spec.external_id, stream
        references = {
            column.removeprefix(REF_PREFIX): tuple(streams)
            for column, streams in model.references.items()
        }
        assert references == dict(spec.references), stream
        assert meta.get("owner_field") == spec.owner_field, stream
        assert tuple(meta.get("write_only_if_owner_unmatched", ())) == (
            spec.write_only_if_owner_unmatched
        ), stream
        assert meta.get("file_field") == spec.file_field, stream


def test_reference_and_owner_columns_match_the_declarations(
    models: dict[str, PublishModel],
) -> None:
    for stream, spec in SPECS.items():
        names = {column.name for column in models[stream].columns}
        refs = {name.removeprefix(REF_PREFIX) for name in names if name.startswith(REF_PREFIX)}
        assert refs == set(spec.references), stream
        assert (OWNER_EMAIL in names) == (spec.owner_field is not None), stream
        assert (spec.file_field in names) if spec.file_field else not names & FILE_COLUMNS
        if spec.external_id:
            assert spec.external_id in names, stream


def _accepted_field(stream: str, name: str) -> FieldDef | None:
    entity = BY_KEY[stream]
    if name.startswith("cf_"):
        return next((f for f in CUSTOM_FIELDS.get(entity.key, []) if f.name == name), None)
    return entity.field(name)


def test_every_emitted_column_is_a_field_the_simulator_accepts(
    models: dict[str, PublishModel],
) -> None:
    for stream, model in models.items():
        for column in model.columns:
            if column.name.startswith("_"):
                assert column.name in {SOURCE_ID, OWNER_EMAIL, *FILE_COLUMNS} or (
                    column.name.startswith(REF_PREFIX)
                ), f"{stream}.{column.name}"
                continue
            field = _accepted_field(stream, column.name)
            where = f"{stream}.{column.name}"
            assert field is not None, f"{where} is no Freshsales field (PROJECT_FIELDS?)"
            assert column.data_type in TYPES[field.field_type], where
            if field.limit is not None:
                assert column.max_length is not None, f"{where} needs meta.max_length"
                assert column.max_length <= field.limit, where
            if field.choices:
                assert column.enum, f"{where} is a picklist: accepted_values or meta.enum"
                assert set(column.enum) <= set(field.choices), where


def test_the_simulator_starts_with_exactly_the_custom_fields_the_models_fill(
    models: dict[str, PublishModel],
) -> None:
    for stream, model in models.items():
        filled = {column.name for column in model.columns if column.name.startswith("cf_")}
        created = {field.name for field in CUSTOM_FIELDS.get(BY_KEY[stream].key, [])}
        assert filled == created, stream


def test_reference_columns_name_fields_of_the_object(models: dict[str, PublishModel]) -> None:
    for stream, spec in SPECS.items():
        lists = spec.options.get("as_list", {})
        for api_field in spec.references:
            sent_as = lists.get(api_field, api_field)
            assert BY_KEY[stream].field(sent_as) is not None, f"{stream}.{sent_as}"
        if spec.owner_field:
            assert BY_KEY[stream].field(spec.owner_field) is not None, stream


def test_notes_fit_a_freshsales_note(models: dict[str, PublishModel]) -> None:
    description = {c.name: c for c in models["notes"].columns}["description"]
    assert description.max_length == BY_KEY["notes"].field("description").limit


def test_tap_staging_reads_the_models_in_load_order(freshsales_build: FreshsalesBuild) -> None:
    config = {
        "crm": "freshsales",
        "path": str(freshsales_build.database),
        "manifest_path": str(freshsales_build.manifest_path),
    }
    # `streams` is the order sync_all emits in.
    streams = list(TapStaging(config=config, setup_mapper=False).streams.values())
    orders = [SPECS[stream.name].load_order for stream in streams]
    assert orders == sorted(orders)
    assert {stream.name for stream in streams} == set(SPECS)
    schemas = {stream.name: stream.schema["properties"] for stream in streams}
    assert schemas["contacts"]["first_name"]["maxLength"] == 255
    assert schemas["contacts"]["cf_medical_history"]["maxLength"] == 32_768
    assert schemas["contacts"]["cf_insurance_status"]["enum"] == ["active", "expired", None]
    assert schemas["tasks"]["status"]["enum"] == [0, 1]
    assert schemas["deals"]["amount"]["type"] == ["number"]
    assert "_in_sample" not in schemas["contacts"]
    for stream in streams:
        emitted = list(stream.get_records(None))
        table = freshsales_build.stream(stream.name)
        assert sorted(r[SOURCE_ID] for r in emitted) == sorted(table), stream.name


def test_tap_staging_sample_emits_only_sampled_rows(freshsales_build: FreshsalesBuild) -> None:
    config = {
        "crm": "freshsales",
        "path": str(freshsales_build.database),
        "manifest_path": str(freshsales_build.manifest_path),
        "sample": True,
    }
    for stream in TapStaging(config=config, setup_mapper=False).streams.values():
        emitted = {r[SOURCE_ID] for r in stream.get_records(None)}
        rows = freshsales_build.stream(stream.name)
        sampled = {key for key, row in rows.items() if row["_in_sample"]}
        assert emitted == sampled, stream.name
