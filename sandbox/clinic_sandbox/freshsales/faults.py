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
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "timeout_rate", "drop_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"--{name.replace('_', '-')} must be between 0 and 1, got {rate}")
        if min(self.latency_ms, self.jitter_ms, self.timeout_seconds) < 0:
            raise ValueError("--latency-ms, --jitter-ms and --timeout-seconds must not be negative")


class FaultDice:
    """Seeded dice: the same seed gives the same faults for the same request order."""

    ERROR_STATUSES = (500, 502, 503)

    def __init__(self, settings: FaultSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._random = random.Random(settings.seed)

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
