"""Run TargetFreshsales over Singer messages against the in-memory fake, offline, no waits."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from freshsales_fake import FakeFreshsales
from support.fake_target import fake_backed, last_report
from target_freshsales.client import FreshsalesClient
from target_freshsales.target import TargetFreshsales

STRING = {"type": ["string", "null"]}
SCHEMAS: dict[str, dict[str, Any]] = {
    "sales_accounts": {"name": {"type": "string", "maxLength": 255}, "cf_cliniko_id": STRING},
    "contacts": {
        "first_name": STRING,
        "last_name": {"type": ["string", "null"], "maxLength": 20},
        "cf_cliniko_id": STRING,
        "cf_insurance_status": {"type": ["string", "null"], "enum": ["active", "expired", None]},
        "_ref__sales_account_id": STRING,
        "_owner_email": STRING,
    },
    "leads": {"last_name": STRING, "cf_cliniko_id": STRING, "_owner_email": STRING},
    "products": {"name": STRING, "cf_cliniko_id": STRING},
    "deals": {
        "name": STRING,
        "amount": STRING,
        "cf_cliniko_id": STRING,
        "_ref__sales_account_id": STRING,
        "_ref__contact_id": STRING,
        "_owner_email": STRING,
    },
    "tasks": {
        "title": STRING,
        "due_date": {"type": ["string", "null"], "format": "date-time"},
        "cf_cliniko_id": STRING,
        "_ref__targetable_id": STRING,
        "_owner_email": STRING,
    },
    "appointments": {"title": STRING, "cf_cliniko_id": STRING, "_ref__targetable_id": STRING},
    "notes": {"description": STRING, "_ref__targetable_id": STRING},
    "documents": {"file_name": STRING, "_ref__targetable_id": STRING, "_file_path": STRING},
}


def schema_message(stream: str) -> dict[str, Any]:
    """The SCHEMA message tap-staging would send for a stream."""
    properties = {"_source_id": {"type": "string"}, **SCHEMAS[stream]}
    required = ["_source_id", "name"] if stream == "sales_accounts" else ["_source_id"]
    schema = {"type": "object", "properties": properties, "required": required}
    return {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": ["_source_id"]}


def singer_input(batches: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """SCHEMA then RECORD lines per stream, in the order given (= load order)."""
    lines = []
    for stream, records in batches:
        lines.append(schema_message(stream))
        lines += [{"type": "RECORD", "stream": stream, "record": r} for r in records]
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def target_class(
    fake: FakeFreshsales | None, sleeps: list[float] | None = None
) -> type[TargetFreshsales]:
    """TargetFreshsales on `fake` (None: the network); its waits are recorded, not slept."""
    return fake_backed(TargetFreshsales, FreshsalesClient, fake, sleeps)


def config(tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """A config writing its store and reports under tmp_path."""
    return {
        "api_key": "test-key",
        "base_url": "http://127.0.0.1:9/crm/sales/api",
        "sync_store_path": str(tmp_path / "sync" / "freshsales.sqlite"),
        "reports_dir": str(tmp_path / "reports"),
        # The target's own behaviour, without the setup plan gate (on by default; its tests
        # in test_fs_plan.py set require_plan).
        "require_plan": False,
        **extra,
    }


def run(
    fake: FakeFreshsales | None,
    tmp_path: Path,
    batches: list[tuple[str, list[dict[str, Any]]]],
    **extra: Any,
) -> dict[str, Any]:
    """One run; returns the reconciliation document it wrote."""
    target = target_class(fake)(config=config(tmp_path, **extra), validate_config=True)
    target.listen(io.StringIO(singer_input(batches)))
    return last_report(tmp_path, "freshsales")
