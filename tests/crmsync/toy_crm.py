"""A CRM-agnostic toy client for engine tests: records in dicts, upsert, injectable crashes."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from crmsync.client import CrmClient, WriteItem, WriteResult
from crmsync.errors import OK, LookupUnsupported, RecordRejected, Verdict
from crmsync.owners import CrmUser
from crmsync.ratelimit import RateLimiter
from crmsync.retry import PolicyRunner
from crmsync.spec import ObjectSpec


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


class ToyCrm(CrmClient):
    """Keeps records per object; `crash_after_write` kills the 'process' right after a CRM write."""

    def __init__(self, users: list[CrmUser] | None = None) -> None:
        """An empty CRM with the given users."""
        super().__init__({}, PolicyRunner(self.classify, RateLimiter([])))
        self.records: dict[str, dict[str, dict[str, Any]]] = {}
        self.users = users or [CrmUser("u1", "Ana@Clinic.test"), CrmUser("u2", "boss@clinic.test")]
        self.ids = itertools.count(100)
        self.writes = 0
        self.crash_after_write = False
        self.lookups = 0
        self.lookup_supported = True
        self.reject_when: dict[str, str] = {}  # source_id → reason
        self.reads: list[list[str]] = []  # the fields of every read (the `before` of updates)

    @staticmethod
    def classify(response: httpx.Response) -> Verdict:
        """Unused by the toy (no HTTP)."""
        return OK

    def preflight(self) -> None:
        """Always fine."""

    def list_users(self) -> list[CrmUser]:
        """The configured users."""
        return self.users

    def create(self, spec: ObjectSpec, item: WriteItem) -> str:
        """Store a new record (or reject it on request)."""
        if item.source_id in self.reject_when:
            raise RecordRejected(self.reject_when[item.source_id], 400)
        crm_id = str(next(self.ids))
        self._write(spec, crm_id, item)
        return crm_id

    def update(self, spec: ObjectSpec, item: WriteItem) -> None:
        """Overwrite the fields of a record."""
        self._write(spec, str(item.crm_id), item)

    def upsert(self, spec: ObjectSpec, item: WriteItem) -> WriteResult:
        """Match on the source id, as a CRM upsert on an external id does."""
        for crm_id, row in self.records.get(spec.stream, {}).items():
            if row["_key"] == item.source_id:
                self._write(spec, crm_id, item)
                return WriteResult(crm_id, created=False)
        return WriteResult(self.create(spec, item), created=True)

    def find_existing(self, spec: ObjectSpec, item: WriteItem) -> list[str]:
        """Find by source id (or refuse, like a CRM without lookups)."""
        self.lookups += 1
        if not self.lookup_supported:
            raise LookupUnsupported("toy")
        rows = self.records.get(spec.stream, {}).items()
        return [crm_id for crm_id, row in rows if row.get("text") == item.fields.get("text")]

    def read(self, spec: ObjectSpec, crm_id: str, fields: list[str]) -> dict[str, Any]:
        """Current values of fields."""
        self.reads.append(list(fields))
        row = self.records[spec.stream][crm_id]
        return {f: row.get(f) for f in fields}

    def count(self, spec: ObjectSpec) -> int | None:
        """Records of the object."""
        return len(self.records.get(spec.stream, {}))

    def _write(self, spec: ObjectSpec, crm_id: str, item: WriteItem) -> None:
        self.writes += 1
        self.records.setdefault(spec.stream, {})[crm_id] = {"_key": item.source_id, **item.fields}
        if self.crash_after_write:
            raise Crash
