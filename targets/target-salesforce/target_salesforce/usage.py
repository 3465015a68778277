"""The org's 24 h API allocation as every answer reports it (`Sforce-Limit-Info`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import httpx
from crmsync.errors import FatalCrmError

logger = logging.getLogger(__name__)
# The org-wide figure, not `per-app-api-usage=` that may come along in the same header.
_USAGE = re.compile(r"(?:^|[\s,;])api-usage=(\d+)/(\d+)")


def parse(header: str | None) -> tuple[int, int] | None:
    """`api-usage=18/15000` → (18, 15000); None when absent or unreadable."""
    match = _USAGE.search(header or "")
    if not match or int(match.group(2)) <= 0:
        return None
    return int(match.group(1)), int(match.group(2))


class UsageGuard:
    """Spaces calls out near the allocation and stops the run before it is used up.

    Other integrations of the org share the allocation, so the run stops at `stop` (default 95%)
    to resume later rather than take the last calls; between `slowdown` and `stop` each call
    waits longer the closer usage gets, which gives the rolling window time to free calls.
    """

    def __init__(
        self, slowdown: float, stop: float, sleep: Callable[[float], None], max_pause: float = 30.0
    ) -> None:
        """Shares of the allocation (0-1) at which to slow down and to stop."""
        self.slowdown = min(slowdown, stop)
        self.stop = stop
        self.sleep = sleep
        self.max_pause = max_pause
        self.used: int | None = None
        self.limit: int | None = None

    def observe(self, response: httpx.Response) -> None:
        """Remember the usage an answer reports."""
        usage = parse(response.headers.get("Sforce-Limit-Info"))
        if usage is not None:
            self.used, self.limit = usage

    def before_call(self) -> None:
        """Stop (FatalCrmError) at the stop share; pause in the slow-down band."""
        if self.used is None or not self.limit:
            return
        share = self.used / self.limit
        if share >= self.stop:
            raise FatalCrmError(
                f"the org has used {share:.0%} of its 24-hour API allocation "
                f"(api_usage_stop {self.stop:.0%}); run again later to resume"
            )
        if share >= self.slowdown:
            band = (share - self.slowdown) / max(self.stop - self.slowdown, 1e-9)
            pause = round(min(self.max_pause, 1.0 + band * self.max_pause), 2)
            logger.info("API usage at %.0f%% of the allocation; pausing %.1fs", share * 100, pause)
            self.sleep(pause)
