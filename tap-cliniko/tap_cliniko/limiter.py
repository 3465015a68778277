"""One thread-safe request limiter shared by every request the tap process makes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """A token bucket of capacity one: requests are spaced 60/per_minute seconds apart.

    Capacity one (no burst) keeps every 60-second window at or under ``per_minute`` requests,
    whatever the window's alignment, which is what Cliniko's per-user quota counts. Each caller
    reserves its slot under the lock and sleeps outside it, so threads are served in order.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Create a limiter allowing ``per_minute`` requests a minute."""
        if per_minute < 1:
            raise ValueError("max_requests_per_minute must be at least 1")
        self.per_minute = per_minute
        # One nanosecond more than 60/n: summed float intervals must not creep under a minute.
        self.interval = 60.0 / per_minute + 1e-9
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self.granted = 0

    def acquire(self) -> float:
        """Block until this request may be sent; return the slot time it was given."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
            self.granted += 1
        if slot > now:
            self._sleep(slot - now)
        return slot

    def pause_for(self, seconds: float) -> None:
        """Hold every thread back for ``seconds`` (the API said the quota is spent)."""
        with self._lock:
            self._next_slot = max(self._next_slot, self._clock() + max(0.0, seconds))
