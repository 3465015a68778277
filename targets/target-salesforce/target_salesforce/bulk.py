"""Bulk API 2.0 upsert: one CSV job per batch, then successful / failed / unprocessed results."""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from crmsync.client import WriteResult

logger = logging.getLogger(__name__)
NULL = "#N/A"  # Bulk API 2.0 sets a field to null only for this value; empty means unchanged
UNKNOWN = "bulk job did not finish in time; its records are upserted again next run"
DONE = ("JobComplete", "Failed", "Aborted")

Send = Callable[..., httpx.Response]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with the union of the rows' columns; null as #N/A, booleans lower-case."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A column this row lacks stays empty (= unchanged); a null it carries is #N/A.
        writer.writerow({c: _cell(row[c]) if c in row else "" for c in columns})
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def bulk_upsert(
    send: Send,
    sobject: str,
    external_id: str,
    rows: list[dict[str, Any]],
    timeout_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> list[WriteResult]:
    """Upsert `rows` (each carrying `external_id`) in one job; one result per row, in order.

    `send(method, path, **kwargs)` is the client's authenticated, policy-run request.
    """
    job = send(
        "POST",
        "jobs/ingest",
        json={
            "object": sobject,
            "operation": "upsert",
            "externalIdFieldName": external_id,
            "contentType": "CSV",
            "lineEnding": "LF",
        },
    ).json()
    job_id = job["id"]
    send(
        "PUT",
        f"jobs/ingest/{job_id}/batches",
        content=to_csv(rows).encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )
    send("PATCH", f"jobs/ingest/{job_id}", json={"state": "UploadComplete"})
    state = _wait_for(send, job_id, timeout_seconds, sleep)
    if state is None:
        return [WriteResult(None, error=UNKNOWN, unknown=True) for _ in rows]
    outcomes: dict[str, WriteResult] = {}
    for row in _results(send, job_id, "successfulResults"):
        created = row.get("sf__Created", "").lower() == "true"
        outcomes[row.get(external_id, "")] = WriteResult(row.get("sf__Id") or None, created)
    for row in _results(send, job_id, "failedResults"):
        error = row.get("sf__Error") or "failed"
        outcomes[row.get(external_id, "")] = WriteResult(None, error=f"bulk: {error}")
    for row in _results(send, job_id, "unprocessedrecords"):
        reason = f"bulk: not processed (job {state.get('state')}: {state.get('errorMessage', '')})"
        outcomes[row.get(external_id, "")] = WriteResult(None, error=reason.strip())
    missing = WriteResult(None, error="bulk job returned no result for this record")
    return [outcomes.get(str(row.get(external_id)), missing) for row in rows]


def _wait_for(
    send: Send, job_id: str, timeout_seconds: float, sleep: Callable[[float], None]
) -> dict[str, Any] | None:
    waited, pause = 0.0, 1.0
    while True:
        state = send("GET", f"jobs/ingest/{job_id}").json()
        if state.get("state") in DONE:
            return state
        if waited >= timeout_seconds:
            logger.warning("Bulk job %s still %s after %.0fs", job_id, state.get("state"), waited)
            return None
        # Each poll is an API call from the org's allocation: back off up to 30 s.
        sleep(pause)
        waited += pause
        pause = min(pause * 2, 30.0)


def _results(send: Send, job_id: str, kind: str) -> list[dict[str, str]]:
    text = send("GET", f"jobs/ingest/{job_id}/{kind}/").text
    if not text.strip():
        return []
    return list(csv.DictReader(io.StringIO(text)))
