"""Account-wide request windows (per hour and per minute) and the 429 they produce."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

# Requests per hour by plan [docs: Freshworks CRM support articles]; 400/min on paid plans.
PLANS = {"free": 1000, "growth": 1000, "pro": 2000, "enterprise": 5000}
MINUTE_LIMIT = 400


@dataclass
class Window:
    """A fixed window that starts at its first request and restarts once it has run out."""

    name: str
    limit: int
    length: float
    start: float | None = None
    used: int = 0

    def roll(self, now: float) -> None:
        if self.start is None or now >= self.start + self.length:
            self.start, self.used = now, 0

    def reset_at(self) -> float:
        return (self.start or 0.0) + self.length


@dataclass(frozen=True)
class Verdict:
    """The outcome of one request against the windows, with the header values to send."""

    allowed: bool
    window: str
    limit: int
    remaining: int
    reset_epoch: int
    retry_after: int


class RateLimiter:
    """Counts authenticated API requests against every window; a full window refuses with 429."""

    def __init__(self, hourly: int, minute: int, scale: float = 1.0) -> None:
        if hourly < 1 or minute < 1:
            raise ValueError("rate limits must be at least 1 request per window")
        if scale <= 0:
            raise ValueError("--window-scale must be greater than 0")
        self._lock = threading.Lock()
        self._spec = (hourly, minute, scale)
        self.reset()

    def reset(self) -> None:
        """Fresh windows."""
        hourly, minute, scale = self._spec
        with self._lock:
            self.windows = [
                Window("hour", hourly, 3600 * scale),
                Window("minute", minute, 60 * scale),
            ]

    def take(self) -> Verdict:
        """Spend one request if every window has room; else say which window is full."""
        now = time.monotonic()
        with self._lock:
            for window in self.windows:
                window.roll(now)
            full = next((w for w in self.windows if w.used >= w.limit), None)
            if full is None:
                for window in self.windows:
                    window.used += 1
            tight = full or min(self.windows, key=lambda w: w.limit - w.used)
            wait = max(tight.reset_at() - now, 0.0)
            return Verdict(
                allowed=full is None,
                window=tight.name,
                limit=tight.limit,
                remaining=max(tight.limit - tight.used, 0),
                reset_epoch=math.ceil(time.time() + wait),
                retry_after=max(math.ceil(wait), 1),
            )
