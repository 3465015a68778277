"""A client-side limiter with sliding windows (per hour, per minute) for one CRM connection."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """At most `max_calls` calls in any `seconds`-long interval."""

    seconds: float
    max_calls: int


class RateLimiter:
    """Blocks before a call that would exceed any window; also reports usage for ETAs."""

    def __init__(
        self,
        windows: list[Window],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Create a limiter; windows with max_calls <= 0 are treated as unlimited and dropped."""
        self.windows = [w for w in windows if w.max_calls > 0]
        self.clock = clock
        self.sleep = sleep
        self._calls: collections.deque[float] = collections.deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.waited_seconds = 0.0

    def acquire(self) -> None:
        """Wait until a call fits every window, then count it."""
        with self._lock:
            while True:
                now = self.clock()
                wait = max(self._blocked_until - now, self._wait_for_windows(now))
                if wait <= 0:
                    self._calls.append(now)
                    return
                self.waited_seconds += wait
                self.sleep(wait)

    def block_for(self, seconds: float) -> None:
        """Hold every call back for `seconds` (the CRM said so: Retry-After, reset header)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self.clock() + max(seconds, 0.0))

    def used_in(self, seconds: float) -> int:
        """Calls made in the last `seconds`."""
        now = self.clock()
        return sum(1 for t in self._calls if t > now - seconds)

    def seconds_for(self, calls: int) -> float:
        """How long `calls` more calls take at the tightest window's sustained rate."""
        if not self.windows or calls <= 0:
            return 0.0
        return max(calls * w.seconds / w.max_calls for w in self.windows)

    def _wait_for_windows(self, now: float) -> float:
        longest = max((w.seconds for w in self.windows), default=0.0)
        while self._calls and self._calls[0] <= now - longest:
            self._calls.popleft()
        wait = 0.0
        for window in self.windows:
            inside = [t for t in self._calls if t > now - window.seconds]
            if len(inside) >= window.max_calls:
                oldest_that_must_expire = inside[len(inside) - window.max_calls]
                wait = max(wait, oldest_that_must_expire + window.seconds - now)
        return wait
