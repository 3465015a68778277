"""The org's API request allocation: a 24 h window (scaled for tests) and the usage header."""

from __future__ import annotations

import threading
import time

DAY_SECONDS = 86_400


class ApiUsage:
    """Counts authenticated API calls; past the allocation, calls are refused until the window ends.

    Salesforce's window is rolling; a fixed window starting at the first call behaves the same for
    a client that backs off on 403 REQUEST_LIMIT_EXCEEDED, and is predictable in tests.
    """

    def __init__(self, limit: int, scale: float = 1.0) -> None:
        self.limit = limit
        self.length = DAY_SECONDS * scale
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.used = 0
            self.start: float | None = None
            self.refused = 0

    def take(self) -> tuple[bool, str]:
        """Spend one call if there is room: (allowed, `Sforce-Limit-Info` value)."""
        now = time.monotonic()
        with self._lock:
            if self.start is None or now >= self.start + self.length:
                self.start, self.used = now, 0
            allowed = self.used < self.limit
            if allowed:
                self.used += 1
            else:
                self.refused += 1
            return allowed, f"api-usage={self.used}/{self.limit}"

    def remaining(self) -> int:
        with self._lock:
            return max(self.limit - self.used, 0)
