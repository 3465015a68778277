"""Asynchronous bulk jobs (bulk_upsert, bulk_destroy): queued, run after a delay, polled by id."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.store import Record, Store, now_text

JOB_ID_BASE = 9_000_000_000
# Element → (status, id, identifier); raises ApiError for a failed element.
Step = Callable[[Any], tuple[str, Any, Any]]


def submit(
    store: Store, spec: EntitySpec, action: str, items: list[Any], step: Step, delay: float
) -> Record:
    """Queue a job over `items`; it runs `step` on each after `delay` seconds."""
    with store.lock:
        store.job_counter += 1
        job: Record = {
            "id": JOB_ID_BASE + store.job_counter,
            "entity": spec.key,
            "action": action,
            "status": "queued",
            "total": len(items),
            "processed": 0,
            "success_count": 0,
            "failure_count": 0,
            "created_at": now_text(),
            "completed_at": None,
            "results": [],
        }
        store.jobs[job["id"]] = job
        generation = store.generation
    timer = threading.Timer(delay, _run, args=(store, job, items, step, generation))
    timer.daemon = True
    timer.start()
    return job


def _run(store: Store, job: Record, items: list[Any], step: Step, generation: int) -> None:
    with store.lock:
        if store.generation != generation:
            return  # the store was reset while the job waited
        job["status"] = "in_progress"
        for index, item in enumerate(items):
            job["results"].append(_result(index, item, step))
            job["processed"] += 1
        job["success_count"] = sum(1 for r in job["results"] if r["status"] != "failed")
        job["failure_count"] = job["total"] - job["success_count"]
        job["status"] = "completed"
        job["completed_at"] = now_text()


def _result(index: int, item: Any, step: Step) -> Record:
    identifier = item.get("unique_identifier") if isinstance(item, dict) else None
    try:
        status, record_id, identifier = step(item)
    except ApiError as error:
        return {
            "index": index,
            "status": "failed",
            "id": item if not isinstance(item, dict) else None,
            "unique_identifier": identifier,
            "errors": error.body()["errors"],
        }
    return {"index": index, "status": status, "id": record_id, "unique_identifier": identifier}


def status(store: Store, job_id: Any) -> Record:
    """A job as `GET /job_statuses/{id}` shows it (results only once completed)."""
    with store.lock:
        try:
            job = store.jobs.get(int(job_id))
        except (TypeError, ValueError):
            job = None
        if job is None:
            raise ApiError(404, "Job not found")
        return {
            **job,
            "results": [dict(r) for r in job["results"]] if job["status"] == "completed" else [],
        }
