"""What a CRM simulator holds, in a form two runs can be compared by: ids and times taken out.

Two migrations of the same clinic give records with different CRM ids and timestamps. Each record
is keyed by its Cliniko id (`cf_cliniko_id` / `Cliniko_Id__c`), or by its content where it has
none (notes, links); a reference to another record's CRM id is replaced by that record's key. The
result, per object, is the sorted list of records as JSON: equal content, equal lists; a
duplicate shows as a repeated entry, a missing record as a missing one.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Set by the CRM on every write: never the same in two runs.
VOLATILE = {
    "id",
    "Id",
    "attributes",
    "created_at",
    "updated_at",
    "CreatedDate",
    "LastModifiedDate",
    "SystemModstamp",
    "Content",  # ContentNote's blob URL holds its Id
    "VersionData",  # ContentVersion's blob URL holds its Id
}
_SALESFORCE_ID = re.compile(r"^[0-9A-Za-z]{3}5S[0-9A-Za-z]{13}$")


def crm_content(sim: Any) -> dict[str, list[str]]:
    """Every live record of a Freshsales or Salesforce simulator, per object, comparable."""
    held = {obj: sim.records(obj) for obj, count in sim.stats()["records"].items() if count}
    keys: dict[str, str] = {}
    for obj, records in held.items():
        for record in records:
            natural = _natural_key(record)
            if natural is not None:
                keys[str(record.get("id", record.get("Id")))] = f"{obj}:{natural}"
    # Records without a Cliniko id are keyed by their content, references resolved first.
    for obj, records in held.items():
        for record in records:
            if _natural_key(record) is None:
                body = json.dumps(_normalized(record, keys), sort_keys=True)
                keys[str(record.get("id", record.get("Id")))] = f"{obj}:{body}"
    return {
        obj: sorted(json.dumps(_normalized(r, keys), sort_keys=True) for r in records)
        for obj, records in held.items()
    }


def differences(expected: dict[str, list[str]], actual: dict[str, list[str]]) -> dict[str, Any]:
    """Per object: how many records are missing, extra (duplicates included) or differ."""
    found = {}
    for obj in sorted(set(expected) | set(actual)):
        want, got = expected.get(obj, []), actual.get(obj, [])
        if want != got:
            missing = [r for r in want if r not in got]
            extra = [r for r in got if r not in want]
            duplicates = len(got) - len(set(got))
            found[obj] = {
                "expected": len(want),
                "held": len(got),
                "missing": len(missing),
                "unexpected": len(extra),
                "duplicates": duplicates,
            }
    return found


def _natural_key(record: dict[str, Any]) -> str | None:
    custom = record.get("custom_field") or {}
    key = custom.get("cf_cliniko_id") or record.get("Cliniko_Id__c")
    if key:
        return str(key)
    if record.get("Username"):  # Salesforce users: the same in every org the tests start
        return str(record["Username"])
    return None


def _normalized(value: Any, keys: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _normalized(v, keys) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_normalized(v, keys) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    text = str(value)
    if text in keys and (isinstance(value, int) or _SALESFORCE_ID.match(text)):
        return keys[text]
    if isinstance(value, str) and _SALESFORCE_ID.match(value):
        return "<unresolved id>"  # an object the simulator does not list (ContentDocument)
    return value
