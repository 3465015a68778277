"""The publish models agree with target-salesforce, the Salesforce simulator and tap-staging."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cliniko_staging.manifest import PublishModel, read_manifest
from crmsync.spec import OWNER_EMAIL, REF_PREFIX, SOURCE_ID
from target_salesforce.fielddefs import field_defs, load_manifest
from target_salesforce.metadata import write_all
from target_salesforce.objects import OBJECTS

from .conftest import SalesforceBuild

SPECS = {spec.stream: spec for spec in OBJECTS}
SOBJECT = {spec.stream: str(spec.options["sobject"]) for spec in OBJECTS}
# Columns the target reads itself and never sends as fields.
FILE_COLUMNS = {"_file_path", "_file_name", "_content_type", "_in_sample"}
# dbt data types each simulator field type takes.
TYPES = {
    "string": {"varchar"},
    "textarea": {"varchar"},
    "email": {"varchar"},
    "phone": {"varchar"},
    "url": {"varchar"},
    "picklist": {"varchar"},
    "boolean": {"boolean"},
    "double": {"double"},
    "currency": {"decimal(18,2)"},
    "date": {"date"},
    "datetime": {"timestamp with time zone"},
    "base64": {"varchar"},
}


@pytest.fixture(scope="module")
def manifest(salesforce_build: SalesforceBuild) -> dict[str, Any]:
    assert salesforce_build.returncode == 0, salesforce_build.output[-4000:]
    return json.loads(salesforce_build.manifest_path.read_text())


@pytest.fixture(scope="module")
def nodes(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["name"].removeprefix("salesforce__"): node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "publish_salesforce"
    }


def test_every_spec_has_a_model_and_the_meta_agrees(nodes: dict[str, dict[str, Any]]) -> None:
    assert set(nodes) == set(SPECS)
    for stream, spec in SPECS.items():
        meta = nodes[stream]["config"]["meta"]
        assert meta["load_order"] == spec.load_order, stream
        assert meta["external_id"] == spec.external_id, stream
        references = {k.removeprefix(REF_PREFIX): tuple(v) for k, v in meta["references"].items()}
        assert references == dict(spec.references), stream
        assert meta.get("owner_field") == spec.owner_field, stream
        assert meta.get("file_field") == spec.file_field, stream


def test_tap_staging_reads_the_models_in_load_order(salesforce_build: SalesforceBuild) -> None:
    models: list[PublishModel] = read_manifest(salesforce_build.manifest_path, "salesforce")
    assert {m.stream for m in models} == set(SPECS)
    orders = [m.load_order or 0 for m in models]
    assert orders == sorted(orders)


def test_columns_exist_in_the_org_with_matching_types(nodes: dict[str, dict[str, Any]]) -> None:
    schema = pytest.importorskip(
        "clinic_sandbox.salesforce.schema", reason="the Salesforce simulator is not installed"
    )
    custom = pytest.importorskip("clinic_sandbox.salesforce.custom_schema")
    objects = schema.standard_objects()
    custom.deploy(objects)
    for stream, node in nodes.items():
        org = objects[SOBJECT[stream]].fields
        for name, column in node["columns"].items():
            if name in (SOURCE_ID, OWNER_EMAIL) or name in FILE_COLUMNS:
                continue
            if name.startswith(REF_PREFIX):
                name = name.removeprefix(REF_PREFIX)
                if stream == "contentnote":
                    continue  # a ContentDocumentLink, not a field of the note
                assert org[name].type == "reference", f"{stream}.{name}"
                continue
            assert name in org, f"{stream}.{name} is no field of {SOBJECT[stream]}"
            field = org[name]
            assert column["data_type"] in TYPES[field.type], f"{stream}.{name}"
            meta = column.get("config", {}).get("meta", {}) or column.get("meta", {})
            if field.type in ("string", "email", "phone", "url", "textarea") and field.length:
                assert meta.get("max_length") and meta["max_length"] <= field.length, name
            if field.picklist and field.restricted:
                assert set(meta["picklist"]) <= set(field.picklist), f"{stream}.{name}"


def test_generated_metadata_names_every_custom_field_of_the_org(
    manifest: dict[str, Any], salesforce_build: SalesforceBuild, tmp_path: Path
) -> None:
    custom = pytest.importorskip(
        "clinic_sandbox.salesforce.custom_schema",
        reason="the Salesforce simulator is not installed",
    )
    defs = field_defs(load_manifest(salesforce_build.manifest_path))
    ours = {d.full_name for d in defs}
    org = {
        f"{obj}.{f.name}"
        for obj, fields in {**custom.STANDARD_FIELDS, **custom.CUSTOM_OBJECTS}.items()
        for f in [*fields, custom.cliniko_id()]
    }
    assert ours == org
    written = write_all(defs, tmp_path, "62.0")
    package = (tmp_path / "package.xml").read_text()
    assert "<members>Appointment__c</members>" in package
    assert "<members>Contact.Medicare_Number__c</members>" in package
    field = tmp_path / "force-app/main/default/objects/Contact/fields/Cliniko_Id__c.field-meta.xml"
    assert field in written
    assert "<externalId>true</externalId>" in field.read_text()
    sheet = (tmp_path / "field-definitions.md").read_text()
    assert "field-level" in sheet and "| Invoice__c | Payment_Status__c |" in sheet


def test_every_contact_has_an_account(salesforce_build: SalesforceBuild) -> None:
    contacts = salesforce_build.stream("contact")
    accounts = salesforce_build.stream("account")
    assert contacts and "account:unassigned" in accounts
    assert all(row["_ref__AccountId"] in accounts for row in contacts.values())


def test_picklists_are_mapped_value_by_value(salesforce_build: SalesforceBuild) -> None:
    rows = salesforce_build.rows(
        'select i.payment_status, s."Payment_Status__c" '
        "from publish_salesforce.salesforce__invoice__c s "
        "join intermediate.int_invoices__classified i on s._source_id = 'invoice:' || i.invoice_id"
    )
    expected = {
        "open": "Unpaid",
        "overdue": "Overdue",
        "paid": "Paid",
        "closed": "Cancelled",
        "credit": "Paid",
    }
    assert rows and all(expected[r["payment_status"]] == r["Payment_Status__c"] for r in rows)


def test_the_sample_keeps_its_parents(salesforce_build: SalesforceBuild) -> None:
    sampled = {
        stream: {k for k, row in salesforce_build.stream(stream).items() if row["_in_sample"]}
        for stream in SPECS
    }
    assert sampled["contact"] and "account:unassigned" in sampled["account"]
    for stream, spec in SPECS.items():
        rows = salesforce_build.stream(stream)
        for source_id in sampled[stream]:
            for api_field, (parent,) in spec.references.items():
                value = rows[source_id][REF_PREFIX + api_field]
                assert value is None or value in sampled[parent], f"{stream} {source_id}"
