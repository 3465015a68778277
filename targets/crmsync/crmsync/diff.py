"""Field-level diff: read each written record back and compare it with what the publish row says.

The "sent" values are rebuilt the way the engine builds them (references through the id map,
the owner from `_owner_email`), so the comparison needs no copy of the payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crmsync.client import CrmClient
from crmsync.diff_normalize import same
from crmsync.diff_readback import READ_BATCH, read_back
from crmsync.diff_sources import IdMap, PublishRows
from crmsync.owners import OwnerResolver
from crmsync.spec import OWNER_EMAIL, REF_PREFIX, SOURCE_ID, ObjectSpec

EXAMPLES = 5  # differences kept per field (values go only into the 0600 report files)


@dataclass
class FieldDiff:
    """Counts for one field of one object."""

    equal: int = 0
    different: int = 0
    missing: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ObjectDiff:
    """Records compared for one object, and per field."""

    records: int = 0
    missing: int = 0  # in the id map and the publish table, but not in the CRM
    not_published: int = 0  # in the id map, no longer in the publish table
    fields: dict[str, FieldDiff] = field(default_factory=dict)


def sent_fields(
    spec: ObjectSpec, row: Mapping[str, Any], ids: IdMap, owners: OwnerResolver | None
) -> dict[str, Any]:
    """The API fields the engine sends for a publish row (as SyncEngine._prepare builds them)."""
    fields: dict[str, Any] = {}
    for key, value in row.items():
        if key.startswith(REF_PREFIX):
            api_field = key[len(REF_PREFIX) :]
            candidates = spec.references.get(api_field, ())
            fields[api_field] = ids.crm_id(candidates, str(value)) if value else None
        elif key in (OWNER_EMAIL, SOURCE_ID) or key.startswith("_"):
            continue
        else:
            fields[key] = value
    if owners is not None and spec.owner_field and row.get(OWNER_EMAIL):
        user_id = owners.match(row[OWNER_EMAIL]).user_id
        if user_id is not None:
            fields[spec.owner_field] = user_id
    return fields


def diff_object(
    spec: ObjectSpec,
    client: CrmClient,
    ids: IdMap,
    publish: PublishRows,
    owners: OwnerResolver | None,
    picklists: frozenset[str] = frozenset(),
    run_id: int | None = None,
) -> ObjectDiff:
    """Compare every mapped record of one object (read back in batches where the client can)."""
    result = ObjectDiff()
    mapped = ids.records(spec.stream, run_id)
    rows = publish.rows(spec.stream, [source_id for source_id, _ in mapped])
    # A client may drop mapped fields it may not send (Salesforce's audit fields without the org
    # permission): those were never written, so they are not compared.
    unsent = set(getattr(client, "unsent_fields", lambda _spec: ())(spec))
    compared: list[tuple[str, str, dict[str, Any]]] = []
    for source_id, crm_id in mapped:
        row = rows.get(source_id)
        if row is None:
            result.not_published += 1
            continue
        sent = sent_fields(spec, row, ids, owners)
        compared.append((source_id, crm_id, {k: v for k, v in sent.items() if k not in unsent}))
    result.records = len(compared)
    for start in range(0, len(compared), READ_BATCH):
        batch = compared[start : start + READ_BATCH]
        stored = read_back(client, spec, [(s, c, sorted(sent)) for s, c, sent in batch])
        for source_id, crm_id, sent in batch:
            _compare(result, source_id, crm_id, sent, stored.get(source_id), picklists)
    return result


def _compare(
    result: ObjectDiff,
    source_id: str,
    crm_id: str,
    sent: dict[str, Any],
    stored: dict[str, Any] | None,
    picklists: frozenset[str],
) -> None:
    if stored is None:
        result.missing += 1
        for name in sent:
            result.fields.setdefault(name, FieldDiff()).missing += 1
        return
    for name, value in sent.items():
        counts = result.fields.setdefault(name, FieldDiff())
        if same(value, stored.get(name), picklist=name in picklists):
            counts.equal += 1
            continue
        counts.different += 1
        if len(counts.examples) < EXAMPLES:
            counts.examples.append(
                {"source_id": source_id, "crm_id": crm_id, "sent": _text(value),
                 "stored": _text(stored.get(name))}
            )  # fmt: skip


def _text(value: Any) -> Any:
    """JSON-safe values for the report file (dates, decimals as text)."""
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)
