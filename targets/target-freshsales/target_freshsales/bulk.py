"""Bulk jobs: bulk_upsert and bulk_destroy, one call for up to 100 records, then job_statuses
polls [3p routes; bodies and job results inferred, as the simulator has them]."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from crmsync.client import DeleteResult, WriteItem, WriteResult
from crmsync.retry import PolicyRunner
from crmsync.spec import ObjectSpec

from target_freshsales.payload import record_body, unique_identifier, wrapped

logger = logging.getLogger(__name__)
UNKNOWN = "bulk job did not finish in time; its records are resent by upsert next run"
UNFINISHED_DELETE = "bulk_destroy job did not finish in time; the next rollback deletes it again"


def bulk_upsert(
    http: httpx.Client,
    runner: PolicyRunner,
    spec: ObjectSpec,
    items: list[WriteItem],
    timeout_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> list[WriteResult]:
    """Queue one job for `items` (≤ 100) and return one result per item, in order."""
    elements = [
        {"unique_identifier": unique_identifier(spec, i), **wrapped(spec, record_body(spec, i))}
        for i in items
    ]
    # Upserts are idempotent on the unique field, so a resend after a timeout is safe.
    queued = runner.send(
        lambda: http.post(f"{spec.endpoint}/bulk_upsert", json={spec.endpoint: elements}),
        idempotent=True,
    )
    job_id = queued.json()["job_id"]
    status = _wait_for(http, runner, job_id, timeout_seconds, sleep)
    if status is None:
        return [WriteResult(None, error=UNKNOWN, unknown=True) for _ in items]
    by_index = {r.get("index"): r for r in status.get("results") or []}
    return [_result(by_index.get(position)) for position in range(len(items))]


def bulk_destroy(
    http: httpx.Client,
    runner: PolicyRunner,
    spec: ObjectSpec,
    crm_ids: list[str],
    timeout_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> list[DeleteResult] | None:
    """Queue one `bulk_destroy` job for `crm_ids` (≤ 100); one result per id, in order.

    None when the answer names no job (nothing to poll): the caller then deletes one by one,
    where a 404 says the bulk call got there first.
    """
    queued = runner.send(
        lambda: http.post(f"{spec.endpoint}/bulk_destroy", json={"selected_ids": crm_ids}),
        idempotent=True,  # deleting twice leaves the same CRM
    )
    job_id = queued.json().get("job_id")
    if job_id is None:
        return None
    status = _wait_for(http, runner, job_id, timeout_seconds, sleep)
    if status is None:
        return [DeleteResult(crm_id, UNFINISHED_DELETE) for crm_id in crm_ids]
    by_index = {r.get("index"): r for r in status.get("results") or []}
    return [_deleted(crm_id, by_index.get(position)) for position, crm_id in enumerate(crm_ids)]


def _wait_for(
    http: httpx.Client,
    runner: PolicyRunner,
    job_id: Any,
    timeout_seconds: float,
    sleep: Callable[[float], None],
) -> dict[str, Any] | None:
    waited, pause = 0.0, 0.25
    while True:
        answer = runner.send(lambda: http.get(f"job_statuses/{job_id}"), idempotent=True)
        status = answer.json().get("job_status") or {}
        if status.get("status") == "completed":
            return status
        if waited >= timeout_seconds:
            logger.warning("Bulk job %s still %s after %.0fs", job_id, status.get("status"), waited)
            return None
        # Every poll spends a call from the hourly budget: back off up to 30 s.
        sleep(pause)
        waited += pause
        pause = min(pause * 2, 30.0)


def _result(element: dict[str, Any] | None) -> WriteResult:
    if element is None:
        return WriteResult(None, error="bulk job returned no result for this record")
    if element.get("status") in ("created", "updated") and element.get("id") is not None:
        return WriteResult(str(element["id"]), created=element["status"] == "created")
    error, _ = _element_error(element)
    return WriteResult(None, error=error)


def _deleted(crm_id: str, element: dict[str, Any] | None) -> DeleteResult:
    if element is None:
        return DeleteResult(crm_id, "bulk job returned no result for this record")
    if element.get("status") == "deleted":
        return DeleteResult(crm_id)
    error, code = _element_error(element)
    return DeleteResult(crm_id, error, code)


def _element_error(element: dict[str, Any]) -> tuple[str, int | None]:
    """A failed element's reason (`HTTP <code>: <message>`) and its code."""
    errors = element.get("errors") or {}
    message = errors.get("message") if isinstance(errors, dict) else errors
    if isinstance(message, list):
        message = "; ".join(str(m) for m in message)
    code = errors.get("code") if isinstance(errors, dict) else None
    status = int(str(code)) if str(code or "").isdigit() else None
    return (f"HTTP {code}: {message}" if code else str(message or "failed")), status
