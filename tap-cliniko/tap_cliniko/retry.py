"""How long to wait before retrying: Cliniko's reset header for 429, capped backoff otherwise."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from http import HTTPStatus

import requests

# A 429 reset further away than this is treated as a header glitch rather than obeyed.
MAX_RATE_LIMIT_WAIT = 120.0
RESET_PADDING = 0.5


@dataclass(frozen=True)
class RetryPolicy:
    """Retry timing. ``scale`` multiplies every wait so tests can run the real schedule fast.

    The default schedule (2, 4, 8, 16, 30, 30, 30 s over 8 tries: about 2 minutes) outlasts a
    minute-long quota window, so a burst of 5xx while Cliniko sheds load does not end a run.
    """

    max_tries: int = 8
    base_seconds: float = 2.0
    max_wait_seconds: float = 30.0
    scale: float = 1.0

    def backoff_seconds(self, retry_number: int) -> float:
        """Exponential wait before retry ``retry_number`` (0-based), capped, with jitter."""
        wait = min(self.max_wait_seconds, self.base_seconds * 2**retry_number)
        return wait + random.uniform(0, min(1.0, wait / 4))

    def wait_seconds(
        self, exc: BaseException | None, retry_number: int, now: Callable[[], float] = time.time
    ) -> float:
        """Unscaled wait after ``exc``: until the quota resets for 429, else backoff."""
        response = getattr(exc, "response", None)
        if isinstance(response, requests.Response) and (
            response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        ):
            reset_wait = rate_limit_wait(response, now())
            if reset_wait is not None:
                return reset_wait
        return self.backoff_seconds(retry_number)

    def wait_generator(
        self, on_wait: Callable[[BaseException | None, float], None] | None = None
    ) -> Generator[float, BaseException | None, None]:
        """A ``backoff`` wait generator fed the exception of each failed try."""
        exc = yield  # type: ignore[misc]  # backoff primes the generator with None
        retry_number = 0
        while True:
            wait = self.wait_seconds(exc, retry_number)
            if on_wait is not None:
                on_wait(exc, wait)
            retry_number += 1
            exc = yield wait * self.scale


def rate_limit_wait(response: requests.Response, now: float) -> float | None:
    """Seconds until the quota resets: Retry-After if sent, else X-RateLimit-Reset (epoch)."""
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        seconds = _retry_after_seconds(retry_after, now)
        if seconds is not None:
            return min(MAX_RATE_LIMIT_WAIT, max(0.0, seconds))
    reset = response.headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return min(MAX_RATE_LIMIT_WAIT, max(0.0, float(reset) - now) + RESET_PADDING)
        except ValueError:
            return None
    return None


def _retry_after_seconds(value: str, now: float) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp() - now
