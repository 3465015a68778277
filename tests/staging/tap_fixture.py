"""A small staging file with a fake ``publish_testcrm`` schema and its dbt manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

CRM = "testcrm"

# Alphabetical order (accounts, contacts, zones) is not load order (zones, contacts, accounts).
TABLES = {
    "testcrm__zones": """
        SELECT * FROM (VALUES ('zone:2', 'North', true), ('zone:1', 'South', false))
            AS v(_source_id, name, _in_sample)""",
    "testcrm__contacts": """
        SELECT * FROM (VALUES
            ('patient:3', 'Cleo', 'c@example.com', 'Lead', 'active', 'zone:1', false),
            ('patient:1', 'Abe', 'a@example.com', 'Customer', 'active', 'zone:2', true),
            ('patient:2', 'Bea', NULL, 'Lead', 'inactive', 'zone:2', true))
            AS v(_source_id, first_name, email, lifecycle, status, _ref__zone_id, _in_sample)""",
    "testcrm__accounts": """
        SELECT '{"tags": ["a", "b"]}'::JSON AS details, 'business:1' AS _source_id,
               12.50::DECIMAL(10, 2) AS balance, TIMESTAMPTZ '2025-01-02 03:04:05+00' AS seen_at,
               true AS _in_sample""",
}


def _column(name, data_type, meta=None, constraints=None):
    return {
        "name": name,
        "data_type": data_type,
        "meta": {},
        "constraints": constraints or [],
        "config": {"meta": meta or {}, "tags": []},
    }


def _model(table, load_order, columns, **meta):
    return {
        "resource_type": "model",
        "unique_id": f"model.cliniko_crm.{table}",
        "name": table,
        "alias": table,
        "schema": f"publish_{CRM}",
        "config": {"enabled": True, "meta": {"load_order": load_order, **meta}},
        "meta": {},
        "constraints": [],
        "columns": {column["name"]: column for column in columns},
    }


def manifest() -> dict:
    """A dbt v12-shaped manifest: three publish models, a helper, another CRM's model, a test."""
    not_null = [{"type": "not_null"}]
    nodes = [
        _model(
            "testcrm__zones",
            1,
            [
                _column("_source_id", "varchar", constraints=not_null),
                _column("name", "varchar(40)"),
                _column("_in_sample", "boolean"),
            ],
        ),
        _model(
            "testcrm__contacts",
            2,
            [
                _column("_source_id", "varchar", constraints=not_null),
                _column("first_name", "varchar", meta={"max_length": 255}),
                _column("email", "varchar(100)"),
                _column("lifecycle", "varchar", meta={"enum": ["Lead", "Customer"]}),
                _column("status", "varchar"),
                _column("_ref__zone_id", "varchar"),
                _column("_in_sample", "boolean"),
            ],
            external_id="cf_cliniko_id",
            references={"_ref__zone_id": "zones"},
        ),
        _model(
            "testcrm__accounts",
            3,
            [
                _column("_source_id", "varchar", constraints=not_null),
                _column("details", "json"),
                _column("balance", "decimal(10,2)"),
                _column("seen_at", "timestamp with time zone"),
                _column("_in_sample", "boolean"),
            ],
        ),
        {**_model("other__things", 1, [_column("_source_id", "varchar")]), "schema": "publish_x"},
        # A helper table dbt builds beside the publish models: no load order, so not a stream.
        {
            **_model("testcrm__routing", 1, [_column("_source_id", "varchar")]),
            "config": {"enabled": True, "meta": {}},
        },
        {
            "resource_type": "test",
            "unique_id": "test.cliniko_crm.accepted_values_status",
            "attached_node": "model.cliniko_crm.testcrm__contacts",
            "column_name": "status",
            "test_metadata": {
                "name": "accepted_values",
                "kwargs": {"column_name": "status", "values": ["active", "inactive"]},
            },
        },
    ]
    return {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {node["unique_id"]: node for node in nodes},
    }


def build(folder: Path, encryption_key: str | None = None) -> dict:
    """Write the staging file and manifest; return a tap config pointing at them."""
    path = folder / "staging.duckdb"
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(json.dumps(manifest()))
    if encryption_key:
        from cliniko_staging.database import StagingDatabase

        database = StagingDatabase(path, encryption_key=encryption_key)
        connection = database.connection
    else:
        database, connection = None, duckdb.connect(str(path))
    connection.execute(f"CREATE SCHEMA publish_{CRM}")
    for table, select in TABLES.items():
        connection.execute(f"CREATE TABLE publish_{CRM}.{table} AS {select}")
    if database:
        database.close()
    else:
        connection.close()
    config = {"crm": CRM, "path": str(path), "manifest_path": str(manifest_path)}
    if encryption_key:
        config["encryption_key"] = encryption_key
    return config
