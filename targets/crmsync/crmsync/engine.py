"""The algorithm every CRM target shares: validate, resolve, hash, skip unchanged, write, record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from crmsync.client import CrmClient, WriteItem, WriteResult
from crmsync.counts import ObjectCounts
from crmsync.errors import LookupUnsupported
from crmsync.hashing import payload_hash
from crmsync.owners import OwnerResolver
from crmsync.self_reference import layers
from crmsync.spec import OWNER_EMAIL, REF_PREFIX, SOURCE_ID, ObjectSpec
from crmsync.store import Intent, Outcome, SyncStore
from crmsync.validation import RecordValidator

logger = logging.getLogger(__name__)

MISSING_SOURCE_ID = "<missing>"


@dataclass(frozen=True)
class Rejection:
    """Why a record is not sent."""

    reason: str


class SyncEngine:
    """Writes batches of one object through a client, keeping the store and the counts exact."""

    def __init__(
        self,
        client: CrmClient,
        store: SyncStore,
        run_id: int,
        owners: OwnerResolver | None,
        counts: dict[str, ObjectCounts],
        capture_before: bool = False,
    ) -> None:
        """Bind one run's client, store, owner resolver and counters."""
        self.client = client
        self.store = store
        self.run_id = run_id
        self.owners = owners
        self.counts = counts
        self.capture_before = capture_before

    def process(
        self, spec: ObjectSpec, records: list[dict[str, Any]], validator: RecordValidator | None
    ) -> None:
        """Write one batch of records of `spec`'s object."""
        latest: dict[str, int] = {}
        for position, record in enumerate(records):
            latest[str(record.get(SOURCE_ID) or MISSING_SOURCE_ID)] = position
        # A hierarchy in one stream: each layer's parents are written before it is prepared.
        for layer in layers(spec, records):
            self._process_layer(spec, [(p, records[p]) for p in layer], latest, validator)

    def _process_layer(
        self,
        spec: ObjectSpec,
        records: list[tuple[int, dict[str, Any]]],
        latest: dict[str, int],
        validator: RecordValidator | None,
    ) -> None:
        counts = self.counts.setdefault(spec.stream, ObjectCounts())
        creates: list[WriteItem] = []
        updates: list[WriteItem] = []
        for position, record in records:
            counts.received += 1
            source_id = str(record.get(SOURCE_ID) or MISSING_SOURCE_ID)
            if latest[source_id] != position and source_id != MISSING_SOURCE_ID:
                self._reject(spec, source_id, "superseded by a later record with this _source_id")
                continue
            prepared = self._prepare(spec, record, source_id, validator)
            if isinstance(prepared, Rejection):
                self._reject(spec, source_id, prepared.reason)
                continue
            mapped = self.store.lookup(spec.stream, source_id)
            if mapped is not None and mapped.payload_hash == prepared.payload_hash:
                self._finish(spec, prepared, "unchanged", "unchanged", mapped.crm_id)
                continue
            if mapped is not None:
                prepared.crm_id = mapped.crm_id
                updates.append(prepared)
            else:
                creates.append(prepared)
        if updates:
            self._write_updates(spec, updates)
        if creates:
            self._write_creates(spec, creates)

    # Preparation: everything that happens before an API call is spent.

    def _prepare(
        self,
        spec: ObjectSpec,
        record: dict[str, Any],
        source_id: str,
        validator: RecordValidator | None,
    ) -> WriteItem | Rejection:
        if source_id == MISSING_SOURCE_ID:
            return Rejection("invalid: _source_id is missing")
        if validator is not None and (problem := validator.first_error(record)):
            return Rejection(problem)
        fields: dict[str, Any] = {}
        files: dict[str, Any] = {}
        found_in: dict[str, str] = {}
        parents: dict[str, str] = {}
        for key, value in record.items():
            if key.startswith(REF_PREFIX):
                api_field = key[len(REF_PREFIX) :]
                resolved = self._resolve_reference(spec, api_field, value)
                if isinstance(resolved, Rejection):
                    return resolved
                if resolved is None:
                    fields[api_field] = None
                else:
                    found_in[api_field], fields[api_field] = resolved
                    parents[api_field] = str(value)
            elif key in (OWNER_EMAIL, SOURCE_ID) or key.startswith("_sdc_"):
                continue
            elif key.startswith("_"):
                files[key] = value  # `_file_path` and friends: for the client, not for the CRM
            else:
                fields[key] = value
        owner_problem = self._resolve_owner(spec, record, source_id, fields)
        if owner_problem:
            return owner_problem
        if spec.file_field and not record.get(spec.file_field):
            return Rejection(f"invalid: {spec.file_field} is missing")
        # The hash covers the resolved payload and the file columns (a new file means an update).
        digest = payload_hash({"fields": fields, "files": files})
        return WriteItem(source_id, fields, digest, files=files, found_in=found_in, parents=parents)

    def _resolve_reference(
        self, spec: ObjectSpec, api_field: str, value: Any
    ) -> tuple[str, str] | Rejection | None:
        candidates = spec.references.get(api_field)
        if candidates is None:
            return Rejection(f"invalid: {REF_PREFIX}{api_field} is not a declared reference")
        if value is None or value == "":
            return None
        found = self.store.find_crm_id(candidates, str(value))
        if found is not None:
            return found
        why = self.store.last_rejection(candidates, str(value), self.run_id)
        if why is None:
            why = f"{value} is in none of {', '.join(candidates)}"
        return Rejection(f"parent not written: {why}")

    def _resolve_owner(
        self, spec: ObjectSpec, record: dict[str, Any], source_id: str, fields: dict[str, Any]
    ) -> Rejection | None:
        if self.owners is None or OWNER_EMAIL not in record:
            return None
        email = record.get(OWNER_EMAIL)
        applies = bool(spec.write_only_if_owner_unmatched) and source_id.startswith(
            spec.write_only_if_owner_unmatched
        )
        if applies and self.owners.is_user(email):
            return Rejection("not written: this person is a CRM user (owner email matches)")
        match = self.owners.match(email)
        if spec.owner_field and match.user_id is not None:
            fields[spec.owner_field] = match.user_id
        return None

    # Writing.

    def _write_updates(self, spec: ObjectSpec, items: list[WriteItem]) -> None:
        for chunk in self._chunks(spec, items):
            self._write_update_chunk(spec, chunk)

    def _write_update_chunk(self, spec: ObjectSpec, items: list[WriteItem]) -> None:
        befores = {id(item): self._before(spec, item) for item in items}
        if spec.upsert:
            results = self.client.upsert_batch(spec, items)
        else:
            results = self.client.update_batch(spec, items)
        for item, result in zip(items, results, strict=True):
            if result.ok:
                item.crm_id = result.crm_id
                outcome = "created" if result.created else "updated"
                operation = "create" if result.created else "update"
                self._finish(
                    spec, item, operation, outcome, result.crm_id, result, befores[id(item)]
                )
            else:
                self._reject(spec, item.source_id, result.error or "rejected", result.http_status)

    def _write_creates(self, spec: ObjectSpec, items: list[WriteItem]) -> None:
        to_send: list[WriteItem] = []
        adopted: list[WriteItem] = []
        for item in items:
            if self._recover(spec, item):
                adopted.append(item)
            else:
                to_send.append(item)
        if adopted:
            self._write_updates(spec, adopted)
        for chunk in self._chunks(spec, to_send):
            # Write-ahead: the chunk's intents are committed before the CRM sees the request, and
            # each outcome is committed as soon as the call returns (one record per call = one
            # record in the crash window).
            intents = [self.store.open_intent(self.run_id, spec.stream, i.source_id) for i in chunk]
            if spec.upsert:
                results = self.client.upsert_batch(spec, chunk)
            else:
                results = self.client.create_batch(spec, chunk)
            for item, intent, result in zip(chunk, intents, results, strict=True):
                self._close(spec, item, intent, result)

    def _chunks(self, spec: ObjectSpec, items: list[WriteItem]) -> list[list[WriteItem]]:
        size = max(1, self.client.items_per_call(spec, len(items)))
        return [items[i : i + size] for i in range(0, len(items), size)]

    def _recover(self, spec: ObjectSpec, item: WriteItem) -> bool:
        """Resolve a pending intent of an earlier run; True when the record already exists."""
        intent = self.store.pending_intent(spec.stream, item.source_id)
        if intent is None:
            return False
        if spec.upsert:
            # The upsert matches on the external id itself: sending again cannot duplicate.
            self.store.close_intent(
                intent, "superseded", f"resent as an upsert in run {self.run_id}"
            )
            return False
        try:
            candidates = self.client.find_existing(spec, item)
        except LookupUnsupported:
            # Nothing to look it up by: resend (a gap is worse than a duplicate) and say so.
            note = f"could not be looked up; sent again in run {self.run_id} (possible duplicate)"
            self.store.close_intent(intent, "unverified", note)
            logger.warning("%s: an unverifiable earlier create is sent again", spec.stream)
            return False
        # A match another record already owns is not ours (two identical notes on one patient).
        crm_id = next((c for c in candidates if not self.store.is_mapped(spec.stream, c)), None)
        if crm_id is None:
            self.store.close_intent(
                intent, "not_created", f"not found in the CRM in run {self.run_id}"
            )
            return False
        # Adopt the id with no hash, so the current payload is written over it as an update.
        adopted = Outcome(
            spec.stream, item.source_id, "create", "recovered", crm_id, payload_hash=""
        )
        self.store.record(self.run_id, adopted, intent)
        item.crm_id = crm_id
        return True

    def _close(
        self, spec: ObjectSpec, item: WriteItem, intent: Intent, result: WriteResult
    ) -> None:
        counts = self.counts[spec.stream]
        if result.ok:
            item.crm_id = result.crm_id
            outcome = "created" if result.created or not spec.upsert else "updated"
            row = Outcome(
                spec.stream,
                item.source_id,
                "create" if outcome == "created" else "update",
                outcome,
                result.crm_id,
                result.http_status,
                payload_hash=item.payload_hash,
                payload=item.fields,
            )
            self.store.record(self.run_id, row, intent)
            counts.add(outcome)
            return
        reason = result.error or "rejected"
        if result.unknown:
            # Keep the intent pending: the next run looks the record up before creating it.
            reason = f"outcome unknown, checked on the next run: {reason}"
            self.store.close_intent(intent, "pending", reason)
        else:
            row = Outcome(
                spec.stream, item.source_id, "reject", "rejected", None, result.http_status, reason
            )
            self.store.record(self.run_id, row, intent)
        counts.add("rejected", reason)

    def _before(self, spec: ObjectSpec, item: WriteItem) -> dict[str, Any] | None:
        """What this update replaces, for rollback: the payload the store kept from the last
        write; the CRM is read only for fields that payload lacks (all with capture_before)."""
        if not item.crm_id:
            return None
        sent = None if self.capture_before else self.store.last_payload(spec.stream, item.source_id)
        before = {k: sent[k] for k in item.fields if k in sent} if sent is not None else {}
        unknown = sorted(set(item.fields) - set(before))
        if unknown:
            try:
                before.update(self.client.read(spec, item.crm_id, unknown))
            except NotImplementedError:
                return before or None
        return before

    def _finish(
        self,
        spec: ObjectSpec,
        item: WriteItem,
        operation: str,
        outcome: str,
        crm_id: str | None,
        result: WriteResult | None = None,
        before: dict[str, Any] | None = None,
    ) -> None:
        row = Outcome(
            spec.stream,
            item.source_id,
            operation,
            outcome,
            crm_id,
            result.http_status if result else None,
            before=before,
            payload_hash=item.payload_hash,
            payload=item.fields,
        )
        self.store.record(self.run_id, row)
        self.counts[spec.stream].add(outcome)

    def _reject(
        self, spec: ObjectSpec, source_id: str, reason: str, http_status: int | None = None
    ) -> None:
        row = Outcome(spec.stream, source_id, "reject", "rejected", None, http_status, reason)
        self.store.record(self.run_id, row)
        self.counts[spec.stream].add("rejected", reason)
