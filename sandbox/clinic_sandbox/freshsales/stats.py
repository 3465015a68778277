"""Request counters for `/_admin/stats`: per route template, per status, rate limits and faults."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def route_name(method: str, path: str, prefix: str) -> str:
    """`PUT /contacts/{id}` for `PUT /crm/sales/api/contacts/16000000001`."""
    return f"{method} {_ID_SEGMENT.sub('/{id}', path.removeprefix(prefix)) or '/'}"


class Stats:
    """Thread-safe counters of what the API was asked and answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """All counters back to zero."""
        with self._lock:
            self.total = 0
            self.by_route: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.faults: Counter[str] = Counter({"error": 0, "timeout": 0, "drop": 0})
            self.rate_limited = 0

    def request(self, route: str) -> None:
        """Count one API request."""
        with self._lock:
            self.total += 1
            self.by_route[route] += 1

    def answered(self, status: int) -> None:
        """Count one answer by status."""
        with self._lock:
            self.by_status[str(status)] += 1
            if status == 429:
                self.rate_limited += 1

    def fault(self, kind: str) -> None:
        """Count one injected fault."""
        with self._lock:
            self.faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """The counters as plain JSON-able values."""
        with self._lock:
            return {
                "requests_total": self.total,
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
                "rate_limited": self.rate_limited,
                "faults": dict(self.faults),
            }
