"""The Freshsales client: only the calls that differ from other CRMs (crmsync does the rest)."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from crmsync.client import CrmClient, DeleteResult, WriteItem, WriteResult
from crmsync.errors import LookupUnsupported, RecordRejected, Verdict
from crmsync.owners import CrmUser
from crmsync.plan_model import CrmField, FieldNeed
from crmsync.retry import PolicyRunner
from crmsync.spec import ObjectSpec

from target_freshsales import settings
from target_freshsales.bulk import bulk_destroy, bulk_upsert
from target_freshsales.fields import choices_body, field_body, settings_entity, to_crm_field
from target_freshsales.payload import (
    field_values,
    record_body,
    unique_identifier,
    unwrap,
    wrapped,
)
from target_freshsales.taxonomy import classify

PAGE = 100  # largest page the list routes serve [3p]
logger = logging.getLogger(__name__)


class FreshsalesClient(CrmClient):
    """httpx on https://<alias>.myfreshworks.com/crm/sales/api, `Token token=` auth [docs]."""

    # Growth plan: 1000 calls an hour [docs]; 400 a minute on paid plans [docs]. Settings override.
    default_windows = ((3600.0, 1000), (60.0, 400))

    def __init__(
        self, config: Mapping[str, Any], runner: PolicyRunner, **http_options: Any
    ) -> None:
        """Validate the settings (naming the bad one) and open the HTTP client; nothing is sent."""
        super().__init__(config, runner)
        self.http = httpx.Client(
            base_url=settings.api_base(config) + "/",
            headers={"Authorization": f"Token token={settings.api_key(config)}"},
            timeout=float(config.get("timeout_seconds") or 60.0),
            follow_redirects=False,  # the key must never follow a redirect to another host
            **http_options,
        )
        self.bulk_threshold = int(config.get("bulk_upsert_threshold") or 10)
        self.bulk_timeout = float(config.get("bulk_job_timeout_seconds") or 900.0)
        self._users: list[CrmUser] | None = None

    @staticmethod
    def classify(response: httpx.Response) -> Verdict:
        """Freshsales' status → Disposition mapping (taxonomy.py)."""
        return classify(response)

    def preflight(self) -> None:
        """GET /selector/owners: proves the key and admin rights, and loads users in one call."""
        self.list_users()

    def list_users(self) -> list[CrmUser]:
        """Users from /selector/owners (id, display_name, email) [3p: n8n]; cached per run."""
        if self._users is None:
            body = self._get("selector/owners").json()
            self._users = [
                CrmUser(str(u["id"]), u.get("email") or "", u.get("display_name") or "")
                for u in body.get("users", [])
                if u.get("is_active", True)
            ]
        return self._users

    def create(self, spec: ObjectSpec, item: WriteItem) -> str:
        """POST one record (documents: multipart) and return its id; 201 + wrapped record [3p]."""
        if spec.options.get("multipart"):
            answer = self._upload(spec, item)
        else:
            body = wrapped(spec, record_body(spec, item))
            answer = self._send("POST", spec.endpoint, json=body, idempotent=False)
        return self._id_of(spec, answer)

    def update(self, spec: ObjectSpec, item: WriteItem) -> None:
        """PUT the fields; fields not sent are kept, custom_field merged [3p: only sent fields]."""
        body = record_body(spec, item)
        if spec.options.get("multipart"):
            # A stored file cannot be replaced in place; only its name and sharing change.
            body = {k: body[k] for k in ("name", "is_shared") if k in body}
        self._send(
            "PUT", f"{spec.endpoint}/{item.crm_id}", json=wrapped(spec, body), idempotent=True
        )

    def upsert(self, spec: ObjectSpec, item: WriteItem) -> WriteResult:
        """POST /<entity>/upsert keyed on cf_cliniko_id: 201 created, 200 updated [3p]."""
        body = {
            "unique_identifier": unique_identifier(spec, item),
            **wrapped(spec, record_body(spec, item)),
        }
        answer = self._send("POST", f"{spec.endpoint}/upsert", json=body, idempotent=True)
        return WriteResult(self._id_of(spec, answer), created=answer.status_code == 201)

    def upsert_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Single upserts for small batches; a bulk_upsert job (1 call + polls) for larger ones."""
        if not self._bulk(spec, len(items)):
            return super().upsert_batch(spec, items)
        try:
            return bulk_upsert(self.http, self.runner, spec, items, self.bulk_timeout)
        except RecordRejected as exc:  # the whole request was refused: every element shares it
            return [WriteResult(None, error=exc.reason, http_status=exc.http_status) for _ in items]

    def read(self, spec: ObjectSpec, crm_id: str, fields: list[str]) -> dict[str, Any]:
        """GET /<entity>/{id} and keep the values of `fields` (the `before` of an update) [3p]."""
        record = unwrap(spec, self._get(f"{spec.endpoint}/{crm_id}").json())
        return field_values(spec, record, fields)

    def field_metadata(self, spec: ObjectSpec) -> list[CrmField] | None:
        """GET /settings/<entity>/fields; None for objects without metadata (documents)."""
        if spec.options.get("multipart"):
            return None
        body = self._get(f"settings/{settings_entity(spec)}/fields").json()
        return [to_crm_field(spec, raw) for raw in body.get("fields", [])]

    def filled_fields(self, spec: ObjectSpec) -> set[str]:
        """Fields record_body fills: the link's type, the external id from `_source_id`."""
        filled = {spec.external_id} if spec.external_id else set()
        if "targetable_id" in spec.references:
            filled.add("targetable_type")
        return filled

    def creatable(self, spec: ObjectSpec, name: str) -> bool:
        """Custom fields (`cf_`) of objects that have a form; standard fields cannot be made."""
        return name.startswith("cf_") and not spec.options.get("multipart")

    def create_field(self, spec: ObjectSpec, need: FieldNeed) -> CrmField:
        """POST /settings/<entity>/forms/<default form>/fields (one call for the form id)."""
        answer = self._send(
            "POST", self._form_fields(spec, need.name), json=field_body(need), idempotent=False
        )
        return to_crm_field(spec, answer.json().get("field") or {"name": need.name})

    def add_choices(self, spec: ObjectSpec, name: str, values: tuple[str, ...]) -> CrmField:
        """PUT .../forms/<form>/fields/<field id> with the choices plus `values` [inferred].

        No documented route updates a field; this one mirrors the documented create route.
        A CRM that refuses it (404) leaves the gap blocking, with its answer as the reason.
        """
        if not self.creatable(spec, name):
            raise RecordRejected(f"{name} is a standard field: its values are set in Freshsales")
        listed = self._get(f"settings/{settings_entity(spec)}/fields").json().get("fields", [])
        raw = next((f for f in listed if f.get("name") == name), None)
        if raw is None or raw.get("id") is None:
            raise RecordRejected(f"{name} is not a field of {spec.stream}")
        answer = self._send(
            "PUT",
            f"{self._form_fields(spec, name)}/{raw['id']}",
            json=choices_body(raw, values),
            idempotent=True,  # the same list sent twice is the same field
        )
        return to_crm_field(spec, answer.json().get("field") or raw)

    def _form_fields(self, spec: ObjectSpec, name: str) -> str:
        """The fields route of the entity's default form (one call for the form id)."""
        entity = settings_entity(spec)
        forms = self._get(f"settings/{entity}/forms").json().get("forms", [])
        form = next((f for f in forms if f.get("is_default")), forms[0] if forms else None)
        if form is None:
            raise RecordRejected(f"{entity} has no form to hold {name}")
        return f"settings/{entity}/forms/{form['id']}/fields"

    def delete(self, spec: ObjectSpec, crm_id: str) -> None:
        """DELETE /<entity>/{id} (rollback): any 2xx [inferred: 200 true or 204]; 404 = gone."""
        self._send("DELETE", f"{spec.endpoint}/{crm_id}", idempotent=True)

    def deletes_per_call(self, spec: ObjectSpec, pending: int) -> int:
        """Contacts, accounts and deals: a bulk_destroy job takes up to 100 [3p]; others one."""
        return 100 if self._bulk_destroy(spec, pending) else 1

    def delete_batch(self, spec: ObjectSpec, crm_ids: list[str]) -> list[DeleteResult]:
        """A bulk_destroy job (1 call + polls) from bulk_upsert_threshold records; else singles."""
        if self._bulk_destroy(spec, len(crm_ids)):
            try:
                results = bulk_destroy(self.http, self.runner, spec, crm_ids, self.bulk_timeout)
            except RecordRejected as exc:
                # The route itself was refused; a 404 there must not read as "records gone".
                logger.warning("bulk_destroy refused (%s); deleting one by one", exc.reason)
                results = None
            if results is not None:
                return results
        return super().delete_batch(spec, crm_ids)

    def count(self, spec: ObjectSpec) -> int | None:
        """Records in the CRM: the "All" view's meta.total, or the filtered list's [3p]."""
        if spec.options.get("view"):
            filters = self._get(f"{spec.endpoint}/filters").json().get("filters", [])
            view = next(
                (f for f in filters if f.get("is_default")), filters[0] if filters else None
            )
            if view is None:
                return None
            path, params = f"{spec.endpoint}/view/{view['id']}", {"per_page": 1}
        elif spec.options.get("list_filter"):
            path, params = spec.endpoint, {"filter": spec.options["list_filter"], "per_page": 1}
        else:
            return None  # notes, documents, products: no list route
        return int(self._get(path, params=params).json().get("meta", {}).get("total", 0))

    def items_per_call(self, spec: ObjectSpec, pending: int) -> int:
        """A bulk_upsert job takes up to 100 records; everything else goes one by one."""
        return 100 if self._bulk(spec, pending) else 1

    def calls_for(self, spec: ObjectSpec, records: int) -> int:
        """Bulk objects: one queue call and about two polls per 100; others one call each."""
        if self._bulk(spec, records):
            return -(-records // 100) * 3
        return records

    def find_existing(self, spec: ObjectSpec, item: WriteItem) -> list[str]:
        """Find a record an interrupted run may have created (intent recovery).

        Tasks and appointments: `?filter=all` lists [3p filter; `all` inferred], matched on the
        unique cf_cliniko_id. Notes and documents: the parent's `?include=` side-load [inferred].
        """
        if spec.options.get("list_filter") and spec.external_id:
            return self._scan_list(spec, str(item.fields.get(spec.external_id) or item.source_id))
        if spec.options.get("include") and item.found_in.get("targetable_id"):
            return self._scan_parent(spec, item)
        raise LookupUnsupported(f"Freshsales has no lookup for {spec.stream}")

    def _bulk(self, spec: ObjectSpec, records: int) -> bool:
        return bool(spec.options.get("bulk")) and records >= self.bulk_threshold

    def _bulk_destroy(self, spec: ObjectSpec, records: int) -> bool:
        return bool(spec.options.get("bulk_destroy")) and records >= self.bulk_threshold

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.http.close()

    def _scan_list(self, spec: ObjectSpec, value: str) -> list[str]:
        page = 1
        while True:
            params = {"filter": spec.options["list_filter"], "page": page, "per_page": PAGE}
            rows = self._get(spec.endpoint, params=params).json().get(spec.endpoint, [])
            for row in rows:
                if (row.get("custom_field") or {}).get(spec.external_id) == value:
                    return [str(row["id"])]  # the field is unique: one match at most
            if len(rows) < PAGE:
                return []
            page += 1

    def _scan_parent(self, spec: ObjectSpec, item: WriteItem) -> list[str]:
        parent_stream = item.found_in["targetable_id"]
        parent = f"{parent_stream}/{item.fields['targetable_id']}"
        body = self._get(parent, params={"include": spec.options["include"]}).json()
        related = body.get(spec.options["include"])
        if not isinstance(related, list):
            raise LookupUnsupported(f"{parent_stream} do not list their {spec.stream}")
        sent = record_body(spec, item)
        match = spec.options.get("match", ())
        return [str(row["id"]) for row in related if all(row.get(f) == sent.get(f) for f in match)]

    def _upload(self, spec: ObjectSpec, item: WriteItem) -> httpx.Response:
        path = Path(str(item.files.get(spec.file_field or "") or ""))
        if not path.is_file():
            raise RecordRejected(f"file not found ({spec.file_field})")
        body = record_body(spec, item)
        # The document's name in Freshsales (recovery matches on it), then the file's own name.
        name = str(
            body.get("name") or body.get("file_name") or item.files.get("_file_name") or path.name
        )
        content_type = (
            item.files.get("_content_type")
            or item.files.get("_file_content_type")
            or mimetypes.guess_type(name)[0]
            or "application/octet-stream"
        )
        data = {
            "file_name": name,
            "targetable_id": str(body.get("targetable_id")),
            "targetable_type": str(body.get("targetable_type")),
            "is_shared": "true" if body.get("is_shared") else "false",
        }

        def send() -> httpx.Response:
            with path.open("rb") as handle:  # reopened on every attempt
                return self.http.post(
                    spec.endpoint, data=data, files={"file": (name, handle, content_type)}
                )

        return self.runner.send(send, idempotent=False)

    def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return self._send("GET", path, params=params, idempotent=True)

    def _send(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        return self.runner.send(
            lambda: self.http.request(method, path, **kwargs), idempotent=idempotent
        )

    @staticmethod
    def _id_of(spec: ObjectSpec, answer: httpx.Response) -> str:
        record = unwrap(spec, answer.json())
        if record.get("id") is None:
            raise RecordRejected(
                f"answer carried no {spec.options['wrapper']} id", answer.status_code
            )
        return str(record["id"])
