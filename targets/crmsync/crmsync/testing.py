"""The contract every CRM target passes, for any target's tests (like singer_sdk.testing)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from crmsync.settings import reports_dir, store_path
from crmsync.spec import REF_PREFIX, SOURCE_ID
from crmsync.store import open_store
from crmsync.target import CrmTarget

Batches = list[tuple[str, list[dict[str, Any]]]]


def singer_messages(batches: Batches, schemas: Mapping[str, dict[str, Any]] | None = None) -> str:
    """SCHEMA + RECORD lines per stream, in the order given; schemas default to permissive."""
    lines: list[dict[str, Any]] = []
    for stream, records in batches:
        schema = (schemas or {}).get(stream) or {
            "type": "object",
            "properties": {key: {} for record in records for key in record},
            "required": [SOURCE_ID],
        }
        lines.append(
            {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": [SOURCE_ID]}
        )
        lines += [{"type": "RECORD", "stream": stream, "record": record} for record in records]
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def run_target(
    target_class: type[CrmTarget], config: dict[str, Any], batches: Batches
) -> dict[str, Any]:
    """Run the target once over `batches`; return the reconciliation document of that run."""
    target = target_class(config=config, validate_config=True)
    target.listen(io.StringIO(singer_messages(batches)))
    reports = sorted(
        reports_dir(config).glob(f"{target_class.crm}-run-*.json"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    return json.loads(reports[-1].read_text())


def assert_contract(
    target_class: type[CrmTarget], config: dict[str, Any], batches: Batches
) -> None:
    """The same input twice: the second run is all unchanged; children carry parents' CRM ids."""
    first = run_target(target_class, config, batches)
    for stream, counts in first["objects"].items():
        assert counts["balanced"], f"{stream}: received != outcomes in run 1"
        assert counts["rejected"] == 0, f"{stream}: rejected in run 1: {counts['reject_reasons']}"
    second = run_target(target_class, config, batches)
    for stream, counts in second["objects"].items():
        assert counts["unchanged"] == counts["received"], (
            f"{stream}: not unchanged on rerun: {counts}"
        )
    _assert_children_carry_parent_ids(target_class, config, batches)


def _assert_children_carry_parent_ids(
    target_class: type[CrmTarget], config: dict[str, Any], batches: Batches
) -> None:
    specs = {s.stream: s for s in target_class.objects}
    store = open_store(store_path(config, target_class.crm))
    client = target_class.connect(config)
    checked = 0
    try:
        for stream, records in batches:
            spec = specs[stream]
            for record in records:
                for key, parent_source in record.items():
                    if not key.startswith(REF_PREFIX) or parent_source is None:
                        continue
                    api_field = key[len(REF_PREFIX) :]
                    child = store.lookup(stream, record[SOURCE_ID])
                    parent = store.find_crm_id(spec.references[api_field], str(parent_source))
                    assert child is not None and parent is not None, f"{stream}: not in the id map"
                    value = client.read(spec, child.crm_id, [api_field])[api_field]
                    assert str(value) == parent[1], f"{stream}.{api_field}: {value} != {parent[1]}"
                    checked += 1
    finally:
        store.close()
    assert checked, "the input has no references to check"
