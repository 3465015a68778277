"""The calls a CRM package implements; everything else (the algorithm) lives in the engine."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from crmsync.errors import LookupUnsupported, OutcomeUnknown, RecordRejected, Verdict
from crmsync.owners import CrmUser
from crmsync.ratelimit import RateLimiter
from crmsync.retry import PolicyRunner
from crmsync.spec import ObjectSpec


@dataclass
class WriteItem:
    """One record ready to write: CRM fields with references and owner already resolved."""

    source_id: str
    fields: dict[str, Any]  # API names; `cf_*` still flat (the client shapes the request body)
    payload_hash: str
    crm_id: str | None = None  # known from the id map: this is an update
    files: dict[str, Any] = field(default_factory=dict)  # `_file_path` and its size/content type
    found_in: dict[str, str] = field(default_factory=dict)  # reference field → stream that held it
    # reference field → the parent's `_source_id` (for CRMs that link by the parent's external id)
    parents: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteResult:
    """The CRM's answer for one item, in input order."""

    crm_id: str | None
    created: bool = False
    error: str | None = None
    http_status: int | None = None
    unknown: bool = False  # the write may have reached the CRM: the intent stays pending

    @property
    def ok(self) -> bool:
        """True when the CRM accepted the record."""
        return self.error is None and self.crm_id is not None


@dataclass(frozen=True)
class DeleteResult:
    """The CRM's answer for one delete (rollback), in input order."""

    crm_id: str
    error: str | None = None
    http_status: int | None = None

    @property
    def deleted(self) -> bool:
        """True when the record is gone: deleted now, or already (404, a resumed rollback)."""
        return self.error is None or self.http_status == GONE


GONE = 404


class CrmClient(abc.ABC):
    """One CRM connection. Subclasses implement the calls that differ between CRMs."""

    #: The documented limits, as (window seconds, calls); settings override them.
    default_windows: tuple[tuple[float, int], ...] = ()

    def __init__(self, config: Mapping[str, Any], runner: PolicyRunner) -> None:
        """Keep the runner (retry policy + rate limiter); subclasses validate their settings."""
        self.config = config
        self.runner = runner

    @staticmethod
    @abc.abstractmethod
    def classify(response: httpx.Response) -> Verdict:
        """The one mapping of the CRM's status codes and error codes to a Disposition."""

    @property
    def limiter(self) -> RateLimiter:
        """The connection's rate limiter."""
        return self.runner.limiter

    @abc.abstractmethod
    def preflight(self) -> None:
        """One cheap authenticated call; raise FatalCrmError (wrong key) before any write."""

    @abc.abstractmethod
    def list_users(self) -> list[CrmUser]:
        """The CRM's users (owner resolution by email)."""

    @abc.abstractmethod
    def create(self, spec: ObjectSpec, item: WriteItem) -> str:
        """Create one record and return its CRM id (raise RecordRejected for this record)."""

    @abc.abstractmethod
    def update(self, spec: ObjectSpec, item: WriteItem) -> None:
        """Update the record `item.crm_id` with `item.fields`."""

    def upsert(self, spec: ObjectSpec, item: WriteItem) -> WriteResult:
        """Create or update by `spec.external_id`; required where a spec says `upsert=True`."""
        raise NotImplementedError(f"{type(self).__name__} has no upsert for {spec.stream}")

    def find_existing(self, spec: ObjectSpec, item: WriteItem) -> list[str]:
        """CRM ids that may be this record, best first (intent recovery after a crash).

        Raises:
            LookupUnsupported: the CRM cannot find this object's records.
        """
        raise LookupUnsupported(f"{type(self).__name__} cannot look up {spec.stream}")

    def read(self, spec: ObjectSpec, crm_id: str, fields: list[str]) -> dict[str, Any]:
        """Current CRM values of `fields` (kept as `before` so rollback can restore them)."""
        raise NotImplementedError(f"{type(self).__name__} cannot read {spec.stream}")

    def delete(self, spec: ObjectSpec, crm_id: str) -> None:
        """Delete one record (rollback); RecordRejected with 404 when it is already gone.

        Raises:
            NotImplementedError: the CRM package has no delete (rollback refuses to start).
        """
        raise NotImplementedError(f"{type(self).__name__} cannot delete records")

    def deletes_per_call(self, spec: ObjectSpec, pending: int) -> int:
        """Records one `delete_batch` call removes when `pending` await (1 unless bulk)."""
        return 1

    def delete_batch(self, spec: ObjectSpec, crm_ids: list[str]) -> list[DeleteResult]:
        """Delete several records; one result per id, in order. CRMs with a bulk delete override."""
        results = []
        for crm_id in crm_ids:
            try:
                self.delete(spec, crm_id)
            except RecordRejected as exc:
                results.append(DeleteResult(crm_id, exc.reason, exc.http_status))
            else:
                results.append(DeleteResult(crm_id))
        return results

    def count(self, spec: ObjectSpec) -> int | None:
        """How many records of the object the CRM holds (None = the CRM cannot say cheaply)."""
        return None

    def items_per_call(self, spec: ObjectSpec, pending: int) -> int:
        """Records one `*_batch` call writes when `pending` await (1 unless the CRM batches)."""
        return 1

    def close(self) -> None:
        """Release connections (the default holds none)."""
        return None

    def calls_for(self, spec: ObjectSpec, records: int) -> int:
        """API calls `records` writes of this object cost (for ETAs); one each unless batched."""
        return records

    # Batch calls: the defaults loop over single calls; CRMs with batch APIs override them.

    def create_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Create several records; one result per item, in order."""
        return [
            self._single(lambda i=item: WriteResult(self.create(spec, i), True)) for item in items
        ]

    def update_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Update several records; one result per item, in order."""
        results = []
        for item in items:
            results.append(self._single(lambda i=item: self._updated(spec, i)))
        return results

    def upsert_batch(self, spec: ObjectSpec, items: list[WriteItem]) -> list[WriteResult]:
        """Upsert several records; one result per item, in order."""
        return [self._single(lambda i=item: self.upsert(spec, i)) for item in items]

    def _updated(self, spec: ObjectSpec, item: WriteItem) -> WriteResult:
        self.update(spec, item)
        return WriteResult(item.crm_id, False)

    @staticmethod
    def _single(call: Any) -> WriteResult:
        try:
            return call()
        except OutcomeUnknown as exc:
            return WriteResult(None, error=exc.reason, http_status=exc.http_status, unknown=True)
        except RecordRejected as exc:
            return WriteResult(None, error=exc.reason, http_status=exc.http_status)


def split_custom_fields(
    fields: Mapping[str, Any], prefix: str = "cf_"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(standard fields, custom fields) of a flat record, by the CRM's custom-field prefix."""
    standard = {k: v for k, v in fields.items() if not k.startswith(prefix)}
    custom = {k: v for k, v in fields.items() if k.startswith(prefix)}
    return standard, custom
