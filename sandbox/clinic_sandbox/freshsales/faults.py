"""Latency and fault injection: 5xx before a request is applied, timeouts and drops after."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class FaultSettings:
    """How often each fault happens (0..1) and how long the slow paths take."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    drop_rate: float = 0.0
    burst_rate: float = 0.0  # share of requests that start a burst of rate-limit refusals
    burst_length: int = 3  # refusals in one burst, the first included
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "timeout_rate", "drop_rate", "burst_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"--{name.replace('_', '-')} must be between 0 and 1, got {rate}")
        if min(self.latency_ms, self.jitter_ms, self.timeout_seconds) < 0:
            raise ValueError("--latency-ms, --jitter-ms and --timeout-seconds must not be negative")
        if self.burst_length < 1:
            raise ValueError(f"--burst-length must be at least 1, got {self.burst_length}")


class FaultDice:
    """Seeded dice: the same seed gives the same faults for the same request order."""

    ERROR_STATUSES = (500, 502, 503)

    def __init__(self, settings: FaultSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._random = random.Random(settings.seed)
        self._burst_left = 0

    def burst(self) -> bool:
        """True while a burst of rate-limit refusals lasts (`burst_length` requests in a row).

        The dice roll only when bursts are on, so runs without them keep their seeded faults.
        """
        with self._lock:
            rate = self.settings.burst_rate
            if not self._burst_left and rate and self._random.random() < rate:
                self._burst_left = self.settings.burst_length
            if not self._burst_left:
                return False
            self._burst_left -= 1
            return True

    def delay(self) -> float:
        """Seconds to wait before answering: the latency plus a random share of the jitter."""
        with self._lock:
            jitter = self._random.random() * self.settings.jitter_ms
        return (self.settings.latency_ms + jitter) / 1000

    def before(self) -> int | None:
        """A 5xx status to answer instead of doing the request, or None."""
        with self._lock:
            if self._random.random() < self.settings.error_rate:
                return self._random.choice(self.ERROR_STATUSES)
        return None

    def after(self) -> str | None:
        """`timeout` or `drop` for a request already applied, or None."""
        with self._lock:
            roll = self._random.random()
        if roll < self.settings.timeout_rate:
            return "timeout"
        if roll < self.settings.timeout_rate + self.settings.drop_rate:
            return "drop"
        return None
