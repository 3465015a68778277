"""What the Freshsales and Salesforce simulator tests share: their users and a fresh client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

USERS = [
    "ana.ruiz@clinic.test",
    {"email": "Bob.Lee@clinic.test", "first_name": "Bob", "last_name": "Lee"},
]


def fresh_client(sim: Any) -> Iterator[httpx.Client]:
    """An authenticated client on an emptied simulator (the body of an `api` fixture)."""
    sim.reset()
    with sim.client(timeout=10) as client:
        yield client
