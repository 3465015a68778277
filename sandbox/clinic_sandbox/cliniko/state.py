"""What the running simulator shares between requests: the clinic, the knobs and the counters."""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.cliniko.behaviour import Behaviour, RateLimiter, Stats
from clinic_sandbox.store import ClinicStore


@dataclass
class SandboxState:
    """One simulator instance (created per server; nothing lives at class level)."""

    store: ClinicStore
    behaviour: Behaviour
    storage_port: int | None = None
    stats: Stats = field(default_factory=Stats)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    fault_rng: random.Random = field(default_factory=lambda: random.Random(0))
    mutation_rng: random.Random = field(default_factory=lambda: random.Random(1))
    # total_entries per (table, WHERE, values): counting a million rows per page is the slow
    # part of paging; any mutation clears it.
    totals: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def is_storage(self, scope: Mapping[str, Any]) -> bool:
        """Requests that reached the "file storage" port rather than the API port."""
        server = scope.get("server")
        return bool(self.storage_port and server and server[1] == self.storage_port)

    def base_url(self, scope: Mapping[str, Any], headers: Mapping[str, str]) -> str:
        """The absolute `/v1` URL links should carry: the public URL or the request's host."""
        if self.behaviour.public_url:
            return f"{self.behaviour.public_url}/v1"
        host = headers.get("host") or f"{scope['server'][0]}:{scope['server'][1]}"
        return f"{scope.get('scheme', 'http')}://{host}/v1"
