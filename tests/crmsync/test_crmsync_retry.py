"""The one retry policy over httpx.MockTransport: retry, wait as told, reject, stop."""

from __future__ import annotations

import httpx
import pytest
from crmsync.errors import (
    OK,
    Disposition,
    FatalCrmError,
    OutcomeUnknown,
    RecordRejected,
    Verdict,
)
from crmsync.ratelimit import RateLimiter, Window
from crmsync.retry import PolicyRunner, RetryPolicy


def classify(response: httpx.Response) -> Verdict:
    """A minimal CRM mapping: 2xx ok, 429 wait (Retry-After), 5xx retry, 401 fatal, else reject."""
    if response.is_success:
        return OK
    if response.status_code == 429:
        wait = response.headers.get("Retry-After")
        return Verdict(Disposition.RATE_LIMITED, "429", float(wait) if wait else None)
    if response.status_code >= 500:
        return Verdict(Disposition.RETRY, f"HTTP {response.status_code}")
    if response.status_code == 401:
        return Verdict(Disposition.FATAL, "bad key")
    return Verdict(Disposition.REJECT, f"HTTP {response.status_code}")


class Clock:
    """A fake clock; sleeping advances it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def runner_for(answers: list, clock: Clock, **policy: float) -> tuple[PolicyRunner, httpx.Client]:
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://crm.test")
    limiter = RateLimiter([Window(60, 1000)], clock=clock, sleep=clock.sleep)
    return PolicyRunner(classify, limiter, RetryPolicy(**policy), sleep=clock.sleep), client


def test_transient_errors_are_retried_with_growing_backoff() -> None:
    clock = Clock()
    runner, http = runner_for(
        [httpx.Response(503), httpx.Response(502), httpx.Response(200)], clock
    )
    assert runner.send(lambda: http.get("/x"), idempotent=True).status_code == 200
    assert clock.sleeps == [1.0, 2.0]
    assert runner.calls == 3


def test_429_waits_exactly_what_retry_after_says_and_does_not_spend_attempts() -> None:
    clock = Clock()
    answers = [httpx.Response(429, headers={"Retry-After": "7"})] * 3 + [httpx.Response(201)]
    runner, http = runner_for(answers, clock, max_attempts=2)
    assert runner.send(lambda: http.post("/x"), idempotent=False).status_code == 201
    assert clock.sleeps == [7.0, 7.0, 7.0]


def test_a_wait_longer_than_allowed_stops_the_run_to_resume_later() -> None:
    clock = Clock()
    runner, http = runner_for([httpx.Response(429, headers={"Retry-After": "7200"})], clock)
    with pytest.raises(FatalCrmError, match="resume"):
        runner.send(lambda: http.get("/x"), idempotent=True)


def test_bad_record_is_rejected_once_and_bad_key_is_fatal() -> None:
    clock = Clock()
    runner, http = runner_for([httpx.Response(400), httpx.Response(401)], clock)
    with pytest.raises(RecordRejected) as rejected:
        runner.send(lambda: http.post("/x"), idempotent=False)
    assert rejected.value.http_status == 400
    with pytest.raises(FatalCrmError):
        runner.send(lambda: http.post("/x"), idempotent=False)
    assert runner.calls == 2


def test_retries_run_out_into_a_reject_with_the_last_reason() -> None:
    clock = Clock()
    runner, http = runner_for([httpx.Response(500)] * 3, clock, max_attempts=3)
    with pytest.raises(RecordRejected, match="gave up after 3 attempts: HTTP 500"):
        runner.send(lambda: http.get("/x"), idempotent=True)


def test_a_create_that_timed_out_after_sending_is_not_blindly_resent() -> None:
    clock = Clock()
    runner, http = runner_for([httpx.ReadTimeout("slow")], clock)
    with pytest.raises(OutcomeUnknown):
        runner.send(lambda: http.post("/x"), idempotent=False)
    assert runner.calls == 1


def test_a_connection_that_never_opened_is_retried_even_for_a_create() -> None:
    clock = Clock()
    runner, http = runner_for([httpx.ConnectError("refused"), httpx.Response(201)], clock)
    assert runner.send(lambda: http.post("/x"), idempotent=False).status_code == 201


def test_limiter_holds_calls_to_every_window() -> None:
    clock = Clock()
    limiter = RateLimiter([Window(60, 2), Window(3600, 3)], clock=clock, sleep=clock.sleep)
    for _ in range(4):
        limiter.acquire()
    # Third call waits for the minute window; the fourth for the hour window.
    assert clock.sleeps == [60.0, 3540.0]
    assert limiter.used_in(3600) == 2  # the two calls at t=0 have left the hour window
    assert limiter.seconds_for(10) == pytest.approx(12000.0)
