"""Rollback deletes through bulk_destroy: one result per record, and safe fallbacks to singles."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from crmsync.ratelimit import RateLimiter
from crmsync.retry import PolicyRunner
from target_freshsales.client import FreshsalesClient
from target_freshsales.objects import CONTACTS, TASKS

IDS = [str(n) for n in range(1, 13)]


class Freshsales:
    """Answers bulk_destroy as told; single DELETEs answer 200, or 404 for `gone` ids."""

    def __init__(self, bulk: httpx.Response, job: dict[str, Any] | None = None) -> None:
        self.bulk, self.job = bulk, job
        self.gone: set[str] = set()
        self.calls: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/crm/sales/api/")
        self.calls.append(f"{request.method} {path}")
        if path.endswith("bulk_destroy"):
            assert json.loads(request.content) == {"selected_ids": IDS}
            return self.bulk
        if path.startswith("job_statuses/"):
            return httpx.Response(200, json={"job_status": self.job})
        if request.method == "DELETE":
            record_id = path.rsplit("/", 1)[-1]
            if record_id in self.gone:
                return httpx.Response(404, json={"errors": {"code": 404, "message": "gone"}})
            return httpx.Response(200, json=True)
        return httpx.Response(404)


def client(fake: Freshsales, **config: Any) -> FreshsalesClient:
    runner = PolicyRunner(FreshsalesClient.classify, RateLimiter([]))
    settings = {"api_key": "k", "base_url": "http://127.0.0.1:9/crm/sales/api", **config}
    return FreshsalesClient(settings, runner, transport=httpx.MockTransport(fake.handle))


def test_a_job_answers_per_record_and_404_counts_as_gone() -> None:
    results = [{"index": i, "status": "deleted", "id": int(n)} for i, n in enumerate(IDS)]
    results[3] = {"index": 3, "status": "failed", "errors": {"code": 404, "message": ["gone"]}}
    results[5] = {"index": 5, "status": "failed", "errors": {"code": 400, "message": ["locked"]}}
    fake = Freshsales(
        httpx.Response(202, json={"job_id": 7}), {"status": "completed", "results": results}
    )
    answers = client(fake).delete_batch(CONTACTS, IDS)
    assert [a.crm_id for a in answers] == IDS
    assert [a.deleted for a in answers].count(False) == 1
    assert answers[5].error == "HTTP 400: locked" and answers[3].deleted
    assert fake.calls == ["POST contacts/bulk_destroy", "GET job_statuses/7"]


@pytest.mark.parametrize(
    "bulk",
    [
        httpx.Response(200, json={"message": "Your contacts are being deleted"}),  # no job id
        httpx.Response(404, json={"errors": {"code": 404, "message": "no route"}}),
    ],
)
def test_without_a_job_to_poll_records_are_deleted_one_by_one(bulk: httpx.Response) -> None:
    fake = Freshsales(bulk)
    fake.gone = {"2"}  # the bulk call may have got there first: 404 = gone
    answers = client(fake).delete_batch(CONTACTS, IDS)
    assert all(a.deleted for a in answers)
    assert fake.calls.count("POST contacts/bulk_destroy") == 1
    assert sum(c.startswith("DELETE contacts/") for c in fake.calls) == 12


def test_a_job_that_does_not_finish_leaves_its_records_to_the_next_rollback() -> None:
    fake = Freshsales(httpx.Response(202, json={"job_id": 7}), {"status": "in_progress"})
    answers = client(fake, bulk_job_timeout_seconds=0.001).delete_batch(CONTACTS, IDS)
    assert not any(a.deleted for a in answers)
    assert "next rollback" in str(answers[0].error)


def test_objects_without_bulk_destroy_and_small_batches_go_one_by_one() -> None:
    fake = Freshsales(httpx.Response(202, json={"job_id": 7}))
    crm = client(fake)
    assert crm.deletes_per_call(TASKS, 50) == 1 and crm.deletes_per_call(CONTACTS, 9) == 1
    assert crm.deletes_per_call(CONTACTS, 10) == 100
    crm.delete_batch(TASKS, IDS)
    assert not any("bulk_destroy" in c for c in fake.calls)
