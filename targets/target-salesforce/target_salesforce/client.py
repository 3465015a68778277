"""The Salesforce client: only the calls that differ from other CRMs (crmsync does the rest)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from crmsync.client import GONE, CrmClient, DeleteResult, WriteItem, WriteResult
from crmsync.errors import LookupUnsupported, OutcomeUnknown, RecordRejected, Verdict
from crmsync.owners import CrmUser
from crmsync.retry import PolicyRunner
from crmsync.spec import ObjectSpec

from target_salesforce import settings
from target_salesforce.auth import Token, TokenSource
from target_salesforce.bulk import bulk_upsert
from target_salesforce.payload import (
    AUDIT_FIELDS,
    bulk_row,
    collection_record,
    fields_of,
    link_body,
    sobject,
    soql_in,
    soql_literal,
)
from target_salesforce.setup import SetupCalls
from target_salesforce.taxonomy import classify, record_errors
from target_salesforce.usage import UsageGuard

COLLECTION = 200  # records per sObject Collections request [docs]
# A delete of a record already in the Recycle Bin [docs: StatusCode]: gone, as a 404 would say.
ALREADY_DELETED = "ENTITY_IS_DELETED"


class SalesforceClient(SetupCalls, CrmClient):
    """httpx on <instance_url>/services/data/v<version>/ with an OAuth bearer token."""

    # The 24 h allocation is the org's (100,000 + per licence), read live from Sforce-Limit-Info
    # by UsageGuard; the local windows only keep bursts polite. Settings override them.
    default_windows = ((60.0, 1000),)

    def __init__(
        self, config: Mapping[str, Any], runner: PolicyRunner, **http_options: Any
    ) -> None:
        """Validate the settings (naming the bad one); nothing is sent until the first call."""
        super().__init__(config, runner)
        self.version = settings.api_version(config)
        timeout = float(config.get("timeout_seconds") or 120.0)
        # Redirects are not followed: the bearer token must never travel to another host.
        options = {"timeout": timeout, "follow_redirects": False, **http_options}
        self._login = httpx.Client(**options)
        self.tokens = TokenSource(config, self._login)
        self._http_options = options
        self._http: httpx.Client | None = None
        self._token: Token | None = None
        self.bulk_threshold = int(config.get("bulk_threshold") or 2000)
        self.bulk_timeout = float(config.get("bulk_job_timeout_seconds") or 1800.0)
        self.audit_fields = bool(config.get("set_audit_fields"))
        self.usage = UsageGuard(
            settings.fraction(config, "api_usage_slowdown", 0.8),
            settings.fraction(config, "api_usage_stop", 0.95),
            sleep=lambda s: runner.sleep(s),
        )
        self._users: list[CrmUser] | None = None

    @staticmethod
    def classify(response: httpx.Response) -> Verdict:
        """Salesforce's status + errorCode → Disposition mapping (taxonomy.py)."""
        return classify(response)

    # Session.

    def preflight(self) -> None:
        """Token, then the active users: proves the flow, the API access and the user query."""
        self.list_users()

    def list_users(self) -> list[CrmUser]:
        """`SELECT Id, Name, Email FROM User WHERE IsActive = true`; cached per run."""
        if self._users is None:
            rows = self.query("SELECT Id, Name, Email FROM User WHERE IsActive = true")
            self._users = [
                CrmUser(str(r["Id"]), r.get("Email") or "", r.get("Name") or "") for r in rows
            ]
        return self._users

    # Writes.

    def upsert(self, spec: ObjectSpec, item: WriteItem) -> WriteResult:
        """One record through the collection route (the same shapes as a batch of one)."""
        return self.upsert_batch(spec, [item])[0]

    def upsert_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Collections upsert on Cliniko_Id__c, 200 a call; Bulk API 2.0 from the threshold."""
        items = [self._with_user(spec, i) for i in items]
        if self._bulk(spec, len(items)):
            rows = [bulk_row(spec, i, self.audit_fields) for i in items]
            try:
                return bulk_upsert(
                    self._bulk_send,
                    sobject(spec),
                    str(spec.external_id),
                    rows,
                    self.bulk_timeout,
                    sleep=self.runner.sleep,
                )
            except RecordRejected as exc:  # the job itself was refused: every row shares it
                return [WriteResult(None, error=exc.reason, http_status=exc.http_status)] * len(
                    items
                )
        results: list[WriteResult] = []
        for start in range(0, len(items), COLLECTION):
            chunk = items[start : start + COLLECTION]
            records = [collection_record(spec, i, self.audit_fields) for i in chunk]
            for record in records:
                record.pop("Id", None)  # upsert matches on the external id, never Id
            path = f"composite/sobjects/{sobject(spec)}/{spec.external_id}"
            results += self._collection(chunk, "PATCH", path, records, idempotent=True)
        return results

    def create(self, spec: ObjectSpec, item: WriteItem) -> str:
        """Insert one record (files: multipart ContentVersion; notes: a batch of one)."""
        if spec.options.get("multipart"):
            return self._upload(spec, item)
        if spec.options.get("note"):
            (result,) = self.create_batch(spec, [item])
            if not result.ok:
                failure = OutcomeUnknown if result.unknown else RecordRejected
                raise failure(result.error or "not written", result.http_status)
            return str(result.crm_id)
        body = collection_record(spec, item, self.audit_fields)
        body.pop("attributes")
        answer = self._send("POST", f"sobjects/{sobject(spec)}/", json=body, idempotent=False)
        crm_id = str(answer.json().get("id") or "")
        if not crm_id:
            raise RecordRejected("the answer carried no id", answer.status_code)
        return crm_id

    def create_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Notes: collections create of 200 ContentNotes, then one of their 200 links (2 calls
        per 200 notes instead of 2 per note); other objects one record a call."""
        if not spec.options.get("note"):
            return super().create_batch(spec, items)
        results: list[WriteResult] = []
        for start in range(0, len(items), COLLECTION):
            chunk = items[start : start + COLLECTION]
            records = [collection_record(spec, i, self.audit_fields) for i in chunk]
            notes = self._collection(chunk, "POST", "composite/sobjects", records, idempotent=False)
            results += self._link_notes(chunk, notes)
        return results

    def _link_notes(self, items: list[WriteItem], notes: list[WriteResult]) -> list[WriteResult]:
        """Link each created note to its contact in one collections create; a note whose link
        failed stays pending (outcome unknown): the next run finds it unlinked by its title,
        links it and adopts it, so it is never created twice."""
        linked = [
            (position, item, note)
            for position, (item, note) in enumerate(zip(items, notes, strict=True))
            if note.ok and item.fields.get("LinkedEntityId")
        ]
        if not linked:
            return notes
        records = [
            {
                "attributes": {"type": "ContentDocumentLink"},
                **link_body(str(note.crm_id), str(item.fields["LinkedEntityId"])),
            }
            for _, item, note in linked
        ]
        answers = self._collection(
            [item for _, item, _ in linked], "POST", "composite/sobjects", records, idempotent=False
        )
        results = list(notes)
        for (position, _, note), answer in zip(linked, answers, strict=True):
            if not answer.ok:
                reason = f"note {note.crm_id} created but not linked: {answer.error}"
                results[position] = WriteResult(
                    None, error=reason, http_status=answer.http_status, unknown=True
                )
        return results

    def update(self, spec: ObjectSpec, item: WriteItem) -> None:
        """PATCH /sobjects/{SObject}/{Id} with the fields (204) [docs]."""
        body = collection_record(spec, item, audit_fields=False)
        for key in ("attributes", "Id", "LinkedEntityId", "FirstPublishLocationId"):
            body.pop(key, None)
        allowed = spec.options.get("updatable")
        if allowed:  # a stored file cannot be replaced in place; only its title etc. change
            body = {k: v for k, v in body.items() if k in allowed}
        path = f"sobjects/{sobject(spec)}/{item.crm_id}"
        self._send("PATCH", path, json=body, idempotent=True)

    def delete(self, spec: ObjectSpec, crm_id: str) -> None:
        """DELETE /sobjects/{SObject}/{Id} (rollback; 204, the record goes to the Recycle Bin)."""
        self._send("DELETE", f"sobjects/{sobject(spec)}/{crm_id}", idempotent=True)

    def delete_batch(self, spec: ObjectSpec, crm_ids: list[str]) -> list[DeleteResult]:
        """Collections delete, 200 ids a call, allOrNone=false; one result per id, in order.

        `ENTITY_IS_DELETED` (already in the Recycle Bin: a resumed rollback) counts as gone.
        """
        results: list[DeleteResult] = []
        for start in range(0, len(crm_ids), COLLECTION):
            chunk = crm_ids[start : start + COLLECTION]
            params = {"ids": ",".join(chunk), "allOrNone": "false"}
            items = [WriteItem(i, {}, "", crm_id=i) for i in chunk]
            answers = self._collection(
                items, "DELETE", "composite/sobjects", None, idempotent=True, params=params
            )
            for crm_id, answer in zip(chunk, answers, strict=True):
                gone = (answer.error or "").startswith(ALREADY_DELETED)
                status = GONE if gone else answer.http_status
                results.append(DeleteResult(crm_id, None if answer.ok else answer.error, status))
        return results

    def _with_user(self, spec: ObjectSpec, item: WriteItem) -> WriteItem:
        """Set the user lookup from the record's email (case-insensitive; null when no user)."""
        if not spec.options.get("user_by_email"):
            return item
        email_field, user_field = spec.options["user_by_email"]
        email = str(item.fields.get(email_field) or "").strip().lower()
        users = {u.email.strip().lower(): u.id for u in self.list_users() if u.email}
        return replace(
            item, fields={**item.fields, user_field: users.get(email) if email else None}
        )

    # Reads.

    def unsent_fields(self, spec: ObjectSpec) -> tuple[str, ...]:
        """Mapped fields this connection never sends: audit fields without `set_audit_fields`."""
        return () if self.audit_fields else AUDIT_FIELDS

    def read(self, spec: ObjectSpec, crm_id: str, fields: list[str]) -> dict[str, Any]:
        """GET /sobjects/{SObject}/{Id}?fields=…; a note's LinkedEntityId from its link."""
        values: dict[str, Any] = {}
        wanted = [f for f in fields if not (spec.options.get("note") and f == "LinkedEntityId")]
        if wanted:
            path = f"sobjects/{sobject(spec)}/{crm_id}"
            record = self._send("GET", path, params={"fields": ",".join(wanted)}, idempotent=True)
            body = record.json()
            values = {f: body.get(f) for f in wanted}
            if spec.options.get("note") and values.get("Content"):
                # A base64 field reads back as its blob URL [docs]: the bytes that were sent.
                blob = self._send("GET", f"{path}/Content", idempotent=True)
                values["Content"] = blob.content.decode("utf-8")
        if len(wanted) < len(fields):
            values["LinkedEntityId"] = self._note_parent(crm_id)
        return values

    def read_by_source(
        self, spec: ObjectSpec, source_ids: list[str], fields: list[str]
    ) -> dict[str, dict[str, Any]]:
        """Read-back for the diff: SOQL by Cliniko_Id__c, 200 values per query."""
        if not spec.external_id:
            raise LookupUnsupported(f"{spec.stream} has no {spec.external_id or 'external id'}")
        found: dict[str, dict[str, Any]] = {}
        columns = ", ".join(dict.fromkeys(["Id", spec.external_id, *fields]))
        for start in range(0, len(source_ids), COLLECTION):
            chunk = source_ids[start : start + COLLECTION]
            soql = (
                f"SELECT {columns} FROM {sobject(spec)} "  # noqa: S608 - values quoted
                f"WHERE {spec.external_id} IN {soql_in(chunk)}"
            )
            for row in self.query(soql):
                row.pop("attributes", None)
                found[str(row[spec.external_id])] = row
        return found

    def count(self, spec: ObjectSpec) -> int | None:
        """`SELECT COUNT() FROM <Obj> WHERE Cliniko_Id__c != null` (notes: no custom field)."""
        if not spec.external_id:
            return None
        soql = f"SELECT COUNT() FROM {sobject(spec)} WHERE {spec.external_id} != null"  # noqa: S608
        return int(self._query_page(soql).get("totalSize", 0))

    def find_existing(self, spec: ObjectSpec, item: WriteItem) -> list[str]:
        """A record an interrupted run may have created: by Cliniko_Id__c, or a note by title."""
        if spec.external_id:
            value = str(item.fields.get(spec.external_id) or item.source_id)
            soql = (
                f"SELECT Id FROM {sobject(spec)} "  # noqa: S608 - names from specs, values quoted
                f"WHERE {spec.external_id} = {soql_literal(value)}"
            )
            return [str(r["Id"]) for r in self.query(soql)]
        parent = item.fields.get("LinkedEntityId")
        title = item.fields.get(spec.options.get("match", "Title"))
        if not parent or not isinstance(title, str):
            raise LookupUnsupported(f"{spec.stream}: no parent or title to look up")
        return self._find_note(spec, item, str(parent), title)

    def _find_note(self, spec: ObjectSpec, item: WriteItem, parent: str, title: str) -> list[str]:
        """Notes with this title on the contact; else an unlinked one with this record's content
        (the run stopped or the link failed between the note and its link), which is linked now
        so that adopting it leaves nothing half done. The content check keeps another patient's
        unlinked note with the same title from being linked here."""
        named = self.query(
            f"SELECT Id FROM {sobject(spec)} "  # noqa: S608 - values quoted
            f"WHERE Title = {soql_literal(title)}"
        )
        unlinked = []
        for note in (str(r["Id"]) for r in named):
            holder = self._note_parent(note)
            if holder == parent:
                return [note]
            if holder is None:
                unlinked.append(note)
        for note in unlinked:
            if self._same_content(spec, note, item):
                self._link(note, parent)
                return [note]
        return []

    def _same_content(self, spec: ObjectSpec, note: str, item: WriteItem) -> bool:
        """The note's stored body is the text this record sends (a note without one: any)."""
        content = item.fields.get("Content")
        if not isinstance(content, str):
            return True
        blob = self._send("GET", f"sobjects/{sobject(spec)}/{note}/Content", idempotent=True)
        return blob.content.decode("utf-8", "replace") == content

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Every row of a SOQL query, following nextRecordsUrl."""
        page = self._query_page(soql)
        rows = list(page.get("records") or [])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            token = self._session()
            url = token.instance_url + str(page["nextRecordsUrl"])
            page = self._send("GET", url, idempotent=True).json()
            rows += page.get("records") or []
        return rows

    # Engine hints.

    def items_per_call(self, spec: ObjectSpec, pending: int) -> int:
        """Bulk: the whole batch; collections (upserts, notes): 200; files one at a time."""
        if spec.options.get("note"):
            return COLLECTION
        if not spec.upsert:
            return 1
        return pending if self._bulk(spec, pending) else COLLECTION

    def calls_for(self, spec: ObjectSpec, records: int) -> int:
        """Bulk: create, upload, close, ~3 polls, 3 result reads; collections: 1 per 200;
        notes: 2 per 200 (the notes, then their links); files: 1 each."""
        if self._bulk(spec, records):
            return -(-records // 10000) * 9
        if spec.upsert:
            return -(-records // COLLECTION)
        if spec.options.get("note"):
            return -(-records // COLLECTION) * 2
        return records

    def close(self) -> None:
        """Close both connection pools."""
        if self._http is not None:
            self._http.close()
        self._login.close()

    # Plumbing.

    def _bulk(self, spec: ObjectSpec, records: int) -> bool:
        return bool(spec.options.get("bulk")) and records >= self.bulk_threshold

    def _collection(
        self,
        items: list[WriteItem],
        method: str,
        path: str,
        records: list[dict[str, Any]] | None,
        *,
        idempotent: bool,
        params: dict[str, str] | None = None,
    ) -> list[WriteResult]:
        body = None if records is None else {"allOrNone": False, "records": records}
        try:
            answer = self._send(method, path, json=body, params=params, idempotent=idempotent)
        except RecordRejected as exc:  # the request itself was refused: every record shares it
            unknown = isinstance(exc, OutcomeUnknown)
            return [
                WriteResult(None, error=exc.reason, http_status=exc.http_status, unknown=unknown)
                for _ in items
            ]
        answers = answer.json()
        if not isinstance(answers, list) or len(answers) != len(items):
            reason = "collections answer does not match the records sent"
            return [WriteResult(None, error=reason, http_status=answer.status_code) for _ in items]
        return [self._per_record(item, result) for item, result in zip(items, answers, strict=True)]

    @staticmethod
    def _per_record(item: WriteItem, result: dict[str, Any]) -> WriteResult:
        if result.get("success") and result.get("id"):
            return WriteResult(str(result["id"]), created=bool(result.get("created")))
        return WriteResult(None, error=record_errors(result.get("errors")) or "not written")

    def _link(self, document_id: str, parent_id: str) -> None:
        body = link_body(document_id, parent_id)
        self._send("POST", "sobjects/ContentDocumentLink/", json=body, idempotent=False)

    def _note_parent(self, document_id: str) -> str | None:
        soql = (
            "SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = "  # noqa: S608
            f"{soql_literal(document_id)}"
        )
        # The owner's User is linked too (prefix 005): the record's parent is the other link.
        links = [str(r["LinkedEntityId"]) for r in self.query(soql)]
        return next((i for i in links if not i.startswith("005")), None)

    def _upload(self, spec: ObjectSpec, item: WriteItem) -> str:
        """One ContentVersion with base64 VersionData (≤ 37.5 MB decoded [docs]; the publish
        models keep files ≤ 25 MB) and FirstPublishLocationId, which links it to the contact."""
        path = Path(str(item.files.get(spec.file_field or "") or ""))
        if not path.is_file():
            raise RecordRejected(f"file not found ({spec.file_field})")
        body = fields_of(spec, item, self.audit_fields)
        name = str(item.files.get("_file_name") or body.get("PathOnClient") or path.name)
        body.setdefault("PathOnClient", name)
        body.setdefault("Title", name)

        def encoded() -> dict[str, Any]:  # read again for every attempt
            return {**body, "VersionData": base64.b64encode(path.read_bytes()).decode("ascii")}

        answer = self._send(
            "POST", "sobjects/ContentVersion/", json_factory=encoded, idempotent=False
        )
        crm_id = str(answer.json().get("id") or "")
        if not crm_id:
            raise RecordRejected("the answer carried no id", answer.status_code)
        return crm_id

    def _bulk_send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        # Job creation, upload, close and polls are all safe to repeat for an upsert job.
        return self._send(method, path, idempotent=True, **kwargs)

    def _query_page(self, soql: str) -> dict[str, Any]:
        return dict(self._send("GET", "query", params={"q": soql}, idempotent=True).json())

    def _session(self) -> Token:
        if self._token is None:
            self._token = self.tokens.fetch()
        return self._token

    def _client(self) -> httpx.Client:
        if self._http is None:
            base = f"{self._session().instance_url}/services/data/v{self.version}/"
            self._http = httpx.Client(base_url=base, **self._http_options)
        return self._http

    def _send(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        json_factory: Any = None,
        **kwargs: Any,
    ) -> httpx.Response:
        def request() -> httpx.Response:
            self.usage.before_call()
            response = self._attempt(method, path, json_factory, kwargs)
            if response.status_code == 401:
                # An expired session: one new token (JWT or refresh), then the same request.
                self._token = None
                response = self._attempt(method, path, json_factory, kwargs)
            self.usage.observe(response)
            return response

        return self.runner.send(request, idempotent=idempotent)

    def _attempt(
        self, method: str, path: str, json_factory: Any, kwargs: dict[str, Any]
    ) -> httpx.Response:
        client = self._client()
        headers = {
            **(kwargs.get("headers") or {}),
            "Authorization": f"Bearer {self._session().access_token}",
        }
        options = {k: v for k, v in kwargs.items() if v is not None and k != "headers"}
        if json_factory:  # a file is read again for every attempt
            options["json"] = json_factory()
        return client.request(method, path, headers=headers, **options)
