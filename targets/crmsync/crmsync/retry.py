"""The one retry policy: send, classify (the CRM's mapping), then retry, wait, reject or stop."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from crmsync.errors import Disposition, FatalCrmError, OutcomeUnknown, RecordRejected, Verdict
from crmsync.ratelimit import RateLimiter

logger = logging.getLogger(__name__)

# Errors raised before the request left this machine: always safe to send again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """Tunables of the policy (settings `max_attempts`, `max_rate_limit_wait_seconds`)."""

    max_attempts: int = 5
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    default_rate_limit_wait_seconds: float = 60.0
    max_rate_limit_wait_seconds: float = 3600.0
    max_rate_limit_waits: int = 20


class PolicyRunner:
    """Runs one request under the policy; `classify` is the CRM client's mapping function."""

    def __init__(
        self,
        classify: Callable[[httpx.Response], Verdict],
        limiter: RateLimiter,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Bind the CRM's classifier and the connection's limiter."""
        self.classify = classify
        self.limiter = limiter
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.calls = 0

    def send(self, request: Callable[[], httpx.Response], *, idempotent: bool) -> httpx.Response:
        """Send until the CRM accepts, then return the response.

        Raises:
            RecordRejected: the CRM refused this record, or retries ran out.
            OutcomeUnknown: a non-idempotent request may have reached the CRM.
            FatalCrmError: the run must stop.
        """
        failures = rate_limits = 0
        while True:
            self.limiter.acquire()
            self.calls += 1
            status: int | None = None
            try:
                response = request()
            except NOT_SENT as exc:
                verdict = Verdict(Disposition.RETRY, f"connection failed: {type(exc).__name__}")
            except httpx.TransportError as exc:
                if not idempotent:
                    raise OutcomeUnknown(f"no answer after sending ({type(exc).__name__})") from exc
                verdict = Verdict(Disposition.RETRY, f"transport error: {type(exc).__name__}")
            else:
                status = response.status_code
                verdict = self.classify(response)
            if verdict.disposition is Disposition.OK:
                return response
            if verdict.disposition is Disposition.REJECT:
                raise RecordRejected(verdict.reason, status)
            if verdict.disposition is Disposition.FATAL:
                raise FatalCrmError(verdict.reason, status)
            if verdict.disposition is Disposition.RATE_LIMITED:
                rate_limits += 1
                if rate_limits > self.policy.max_rate_limit_waits:
                    raise FatalCrmError(f"still rate limited after {rate_limits - 1} waits", status)
                self._wait_for_rate_limit(verdict)
                continue
            failures += 1
            if failures >= self.policy.max_attempts:
                raise RecordRejected(f"gave up after {failures} attempts: {verdict.reason}", status)
            self._back_off(verdict, failures)

    def _wait_for_rate_limit(self, verdict: Verdict) -> None:
        wait = verdict.wait_seconds
        if wait is None:
            wait = self.policy.default_rate_limit_wait_seconds
        if wait > self.policy.max_rate_limit_wait_seconds:
            # The CRM's reason leads: the report must say which limit stopped the run.
            raise FatalCrmError(
                f"{verdict.reason}: rate limited for {wait:.0f}s, more than "
                f"max_rate_limit_wait_seconds ({self.policy.max_rate_limit_wait_seconds:.0f}); "
                "resume the run later"
            )
        logger.warning("Rate limited by the CRM (%s); waiting %.1fs", verdict.reason, wait)
        # The limiter holds every later call back too, not only this retry.
        self.limiter.block_for(wait)

    def _back_off(self, verdict: Verdict, failures: int) -> None:
        wait = min(
            self.policy.backoff_base_seconds * 2 ** (failures - 1), self.policy.backoff_max_seconds
        )
        logger.warning("Retrying in %.1fs after: %s", wait, verdict.reason)
        self.sleep(wait)
