"""How the simulated Cliniko behaves: keys, user agent, rate limit, latency, faults, counters."""

from __future__ import annotations

import base64
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

DEFAULT_API_KEY = "sandbox-key-au1"
_EMAIL = re.compile(r"[^@\s()<>,;]+@[^@\s()<>,;]+\.[A-Za-z]{2,}")
_SHARD_SUFFIX = re.compile(r"-[A-Za-z]{2}\d{1,2}$")


@dataclass
class Behaviour:
    """Every knob, settable from the command line, from tests and at run time (admin API)."""

    api_key: str = DEFAULT_API_KEY
    rate_limit: int = 200  # requests per window per key (Cliniko: 200 a minute per user)
    rate_window_s: float = 60.0
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fault_5xx_rate: float = 0.0
    fault_timeout_rate: float = 0.0  # hang `hang_s`, then close without an answer
    fault_drop_rate: float = 0.0  # send headers and part of the body, then close
    fault_429_burst_rate: float = 0.0  # share of requests that start a burst of 429s
    burst_length: int = 3  # requests answered 429 in one burst (the first included)
    fault_seed: int | None = None  # set: the fault dice restart from this seed (next request)
    hang_s: float = 30.0
    archive_touches_updated_at: bool = True  # do archive/cancel/delete bump updated_at?
    public_url: str | None = None  # absolute base for links, e.g. http://sandbox:8400

    def update(self, changes: dict[str, Any]) -> None:
        """Apply admin/config changes all or nothing, rejecting unknown knobs and bad values."""
        known = {f.name for f in fields(self)}
        candidate = replace(self)
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}")
            current = getattr(self, name)
            if name == "public_url":
                candidate.public_url = str(value).rstrip("/") if value else None
            elif name == "fault_seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError("fault_seed must be an int or null")
                candidate.fault_seed = value
            elif isinstance(current, bool):
                setattr(candidate, name, bool(value))
            elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError(f"{name} must be a {type(current).__name__}")
            else:
                try:
                    setattr(candidate, name, type(current)(value))
                except ValueError:
                    raise ValueError(f"{name} must be a {type(current).__name__}") from None
        candidate.validate()
        self.__dict__.update(candidate.__dict__)

    def validate(self) -> None:
        for name in (
            "fault_5xx_rate",
            "fault_timeout_rate",
            "fault_drop_rate",
            "fault_429_burst_rate",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.burst_length < 1:
            raise ValueError("burst_length must be >= 1")
        if self.rate_limit < 1 or self.rate_window_s <= 0:
            raise ValueError("rate_limit must be >= 1 and rate_window_s > 0")
        if self.latency_ms < 0 or self.jitter_ms < 0 or self.hang_s < 0:
            raise ValueError("latency_ms, jitter_ms and hang_s must not be negative")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "api_key"}


def user_agent_ok(user_agent: str | None) -> bool:
    """Cliniko asks for `App name (contact@email)`; we require a contact email in it."""
    return bool(user_agent and _EMAIL.search(user_agent))


def authorized(header: str | None, api_key: str) -> str | None:
    """The key from a Basic header if it is the sandbox key (with or without shard suffix)."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        user = base64.b64decode(header[6:], validate=True).decode("utf-8").split(":", 1)[0]
    except ValueError:
        return None
    bare = _SHARD_SUFFIX.sub("", api_key)
    return user if user in (api_key, bare) else None


@dataclass
class RateLimiter:
    """A fixed window per key, starting at the key's first request in it."""

    windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def hit(self, key: str, now: float, limit: int, window_s: float) -> int | None:
        """Count a request; return None if allowed, else the reset time (epoch seconds)."""
        start, used = self.windows.get(key, (now, 0))
        if now >= start + window_s:
            start, used = now, 0
        if used >= limit:
            return math.ceil(start + window_s)
        self.windows[key] = (start, used + 1)
        return None

    def reset(self) -> None:
        self.windows.clear()


@dataclass
class Stats:
    """What the server answered, for benchmarks and tests (`GET /_admin/stats`)."""

    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    storage_requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "by_route": dict(sorted(self.by_route.items())),
            "faults": dict(self.faults),
            "storage_requests": self.storage_requests,
            "max_in_flight": self.max_in_flight,
        }

    def reset(self) -> None:
        """Zero every counter; requests still being answered stay counted in flight."""
        in_flight = self.in_flight
        self.__dict__.update(Stats().__dict__)
        self.in_flight = in_flight
