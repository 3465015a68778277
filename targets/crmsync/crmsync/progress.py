"""Periodic progress lines during long runs: counts per object and, with totals, an ETA."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from crmsync.client import CrmClient
from crmsync.counts import ObjectCounts
from crmsync.spec import ObjectSpec

logger = logging.getLogger("crmsync.progress")


class Progress:
    """Logs one line per object at most every `interval` seconds (counts only, never records)."""

    def __init__(
        self,
        client: CrmClient,
        specs: dict[str, ObjectSpec],
        counts: dict[str, ObjectCounts],
        totals: dict[str, int | None],
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep what the lines are computed from."""
        self.client = client
        self.specs = specs
        self.counts = counts
        self.totals = totals
        self.interval = interval
        self._clock = clock
        self._last = clock()

    def maybe_log(self) -> None:
        """Log if the interval has passed."""
        if self._clock() - self._last >= self.interval:
            self.log()

    def log(self) -> None:
        """Log one line per object seen so far, and the ETA of what is left."""
        self._last = self._clock()
        for stream, c in self.counts.items():
            total = self.totals.get(stream)
            of_total = f"/{total}" if total is not None else ""
            logger.info(
                "%s: %d%s received, %d created, %d updated, %d unchanged, %d rejected",
                stream, c.received, of_total, c.created, c.updated, c.unchanged, c.rejected,
            )  # fmt: skip
        eta = self.eta_seconds()
        used = self.client.limiter.used_in(3600)
        if eta is None:
            logger.info("%d API calls in the last hour; no totals for an ETA", used)
        else:
            logger.info(
                "%d API calls in the last hour; about %s left at the rate limit",
                used,
                _clock_text(eta),
            )

    def eta_seconds(self) -> float | None:
        """Seconds the records not yet received need at the limiter's sustained rate."""
        if not self.totals:
            return None
        calls = 0
        for stream, total in self.totals.items():
            if total is None or stream not in self.specs:
                continue
            received = self.counts[stream].received if stream in self.counts else 0
            calls += self.client.calls_for(self.specs[stream], max(total - received, 0))
        return self.client.limiter.seconds_for(calls)


def _clock_text(seconds: float) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}h{rest // 60:02d}m"
