"""Read written records back for the diff: in batches where the client can, else one by one.

A client that can look records up by their `_source_id` (`read_by_source`: Salesforce's SOQL
`IN` on Cliniko_Id__c, 200 values per query) reads a whole batch in a few calls; any other
client, or an object without an external id, is read one record per call by its CRM id.
"""

from __future__ import annotations

from typing import Any

from crmsync.client import CrmClient
from crmsync.errors import LookupUnsupported, RecordRejected
from crmsync.spec import ObjectSpec

READ_BATCH = 1000  # records per read_by_source call (the client splits it into its own queries)
GONE = 404

# (source id, CRM id, the fields to read) of one record.
Wanted = tuple[str, str, list[str]]


def read_back(
    client: CrmClient, spec: ObjectSpec, records: list[Wanted]
) -> dict[str, dict[str, Any] | None]:
    """`_source_id` → the stored values of the fields asked, or None when the CRM has no such
    record (deleted by hand since the run)."""
    by_source = getattr(client, "read_by_source", None)
    if by_source is not None and spec.external_id:
        fields = sorted({name for _, _, names in records for name in names})
        try:
            found = by_source(spec, [source_id for source_id, _, _ in records], fields)
        except LookupUnsupported:
            pass
        else:
            return {source_id: found.get(source_id) for source_id, _, _ in records}
    stored: dict[str, dict[str, Any] | None] = {}
    for source_id, crm_id, names in records:
        try:
            stored[source_id] = client.read(spec, crm_id, names)
        except RecordRejected as exc:
            if exc.http_status != GONE:
                raise
            stored[source_id] = None
    return stored
